import { checkPositive, checkPositiveInt, toSeedStream, type SeedLike, type SeedStream } from '@ddvi/core';
import { mustBe } from '../datasets/validate';
import { toPoints, type Points, type PointsInput } from './points';

export interface KMeansOptions {
  /** Number of clusters, 1 <= k <= n. */
  k: number;
  /** Independent k-means++ starts; the one of lowest inertia is kept (default 1, sklearn's for k-means++). */
  nInit?: number;
  /** Lloyd iterations per start (default 300, as sklearn). */
  maxIter?: number;
  /** Stop when the squared centre shift is below tol x (mean per-coordinate variance of the data) (default 1e-4, as sklearn). */
  tol?: number;
  /** Seed of the k-means++ draws (default 0). */
  seed?: SeedLike;
}

export interface KMeansResult {
  /** Cluster of each point, 0..k-1. */
  labels: Int32Array;
  /** Row-major [k, dim] centres. */
  centers: Float64Array;
  /** Sum of squared distances of the points to their centres. */
  inertia: number;
  /** Lloyd iterations of the kept start. */
  iterations: number;
  converged: boolean;
}

/**
 * k-means (Lloyd) with greedy k-means++ seeding (2 + floor(ln k) candidates per centre, as
 * sklearn), `nInit` restarts. Ties go to the lower centre index; an empty cluster is moved to the
 * point farthest from its centre.
 *
 * Why not `ml-kmeans`: it is ESM-only, so our CommonJS build could not `require` it on the Node
 * 20 releases before 20.19 that we support, and it draws from its own generator; the algorithm
 * is ~100 lines and also gives `gaussianMixture` its initialisation, seeded from our SeedStream.
 */
export function kMeans(x: PointsInput, options: KMeansOptions): KMeansResult {
  const points = toPoints('kMeans', 'x', x);
  return kMeansOnPoints('kMeans', points, options);
}

/** kMeans on already validated points (for gaussianMixture's initialisation). */
export function kMeansOnPoints(where: string, points: Points, options: KMeansOptions): KMeansResult {
  const k = checkPositiveInt(where, 'k', options.k);
  if (k > points.n) mustBe(where, 'k', `at most the number of points (${points.n})`, String(k));
  const nInit = checkPositiveInt(where, 'nInit', options.nInit ?? 1);
  const maxIter = checkPositiveInt(where, 'maxIter', options.maxIter ?? 300);
  const tol = options.tol ?? 1e-4;
  if (tol !== 0) checkPositive(where, 'tol', tol);
  const seed = toSeedStream(options.seed ?? 0);
  const shiftTol = tol * meanVariance(points);
  let best: KMeansResult | null = null;
  for (let i = 0; i < nInit; i++) {
    const run = lloyd(points, kMeansPlusPlus(points, k, seed), maxIter, shiftTol);
    if (best === null || run.inertia < best.inertia) best = run;
  }
  return best!;
}

function meanVariance({ data, n, dim }: Points): number {
  let total = 0;
  for (let j = 0; j < dim; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += data[i * dim + j]!;
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (data[i * dim + j]! - m) ** 2;
    total += v / n;
  }
  return total / dim;
}

function squaredDistance(a: Float64Array, ao: number, b: Float64Array, bo: number, dim: number): number {
  let s = 0;
  for (let j = 0; j < dim; j++) {
    const d = a[ao + j]! - b[bo + j]!;
    s += d * d;
  }
  return s;
}

/** Greedy k-means++: each new centre is the best (lowest potential) of a few D^2-weighted candidates. */
function kMeansPlusPlus({ data, n, dim }: Points, k: number, seed: SeedStream): Float64Array {
  const centers = new Float64Array(k * dim);
  const trials = 2 + Math.floor(Math.log(k));
  const first = Math.min(n - 1, Math.floor(seed.uniform() * n));
  centers.set(data.subarray(first * dim, first * dim + dim), 0);
  const closest = new Float64Array(n);
  let potential = 0;
  for (let i = 0; i < n; i++) potential += closest[i] = squaredDistance(data, i * dim, centers, 0, dim);
  const candidateDist = new Float64Array(n);
  const bestDist = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let bestCandidate = -1;
    let bestPotential = Infinity;
    for (let t = 0; t < trials; t++) {
      const cand = potential > 0 ? sampleProportional(closest, potential * seed.uniform()) : Math.floor(seed.uniform() * n);
      let candPotential = 0;
      for (let i = 0; i < n; i++) {
        candidateDist[i] = Math.min(closest[i]!, squaredDistance(data, i * dim, data, cand * dim, dim));
        candPotential += candidateDist[i]!;
      }
      if (candPotential < bestPotential) {
        bestPotential = candPotential;
        bestCandidate = cand;
        bestDist.set(candidateDist);
      }
    }
    centers.set(data.subarray(bestCandidate * dim, bestCandidate * dim + dim), c * dim);
    closest.set(bestDist);
    potential = bestPotential;
  }
  return centers;
}

/** The first index whose cumulative weight exceeds `target` (weights >= 0, target in [0, sum)). */
function sampleProportional(weights: Float64Array, target: number): number {
  let acc = 0;
  let last = 0;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i]! > 0) last = i;
    acc += weights[i]!;
    if (acc > target) return i;
  }
  return last; // rounding left target at the very end
}

function lloyd(points: Points, centers: Float64Array, maxIter: number, shiftTol: number): KMeansResult {
  const { data, n, dim } = points;
  const k = centers.length / dim;
  const labels = new Int32Array(n);
  const dist = new Float64Array(n);
  const sums = new Float64Array(k * dim);
  const counts = new Float64Array(k);
  let iterations = 0;
  let converged = false;
  assign(points, centers, labels, dist);
  while (iterations < maxIter) {
    iterations++;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i]!;
      counts[c]!++;
      for (let j = 0; j < dim; j++) sums[c * dim + j]! += data[i * dim + j]!;
    }
    const next = new Float64Array(k * dim);
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        // Empty cluster: restart it at the point worst served by its centre (and stop it serving it).
        let far = 0;
        for (let i = 1; i < n; i++) if (dist[i]! > dist[far]!) far = i;
        next.set(data.subarray(far * dim, far * dim + dim), c * dim);
        dist[far] = 0;
      } else {
        for (let j = 0; j < dim; j++) next[c * dim + j] = sums[c * dim + j]! / counts[c]!;
      }
    }
    let shift = 0;
    for (let i = 0; i < next.length; i++) shift += (next[i]! - centers[i]!) ** 2;
    centers = next;
    const changed = assign(points, centers, labels, dist);
    if (!changed || shift <= shiftTol) {
      converged = true;
      break;
    }
  }
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += dist[i]!;
  return { labels, centers, inertia, iterations, converged };
}

/** Nearest centre of every point (ties: lower index); returns whether any label changed. */
function assign({ data, n, dim }: Points, centers: Float64Array, labels: Int32Array, dist: Float64Array): boolean {
  const k = centers.length / dim;
  let changed = false;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestD = squaredDistance(data, i * dim, centers, 0, dim);
    for (let c = 1; c < k; c++) {
      const d = squaredDistance(data, i * dim, centers, c * dim, dim);
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    if (labels[i] !== best) changed = true;
    labels[i] = best;
    dist[i] = bestD;
  }
  return changed;
}
