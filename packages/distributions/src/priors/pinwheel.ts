import * as tf from '@tensorflow/tfjs-core';
import { LOG_2PI, stopGradient } from '@ddvi/core';
import type { SeedStream } from '@ddvi/core';
import { gaussLegendre } from './numerics';
import { checkOptionKeys, nonNegative, positive, positiveInt, Prior2D, vec } from './prior';

const NAME = 'Pinwheel';

export interface PinwheelOptions {
  /** Number of arms K (classes), default 10 (`pin_wheel`; `four_pin_wheel` uses 4). */
  arms?: number;
  /** Std of the radial feature f1 ~ N(1, radialStd^2), default 0.15. */
  radialStd?: number;
  /** Std of the tangential feature f2 ~ N(0, tangentialStd^2), default 0.005. */
  tangentialStd?: number;
  /** Twist: the angle is a_c + rate * exp(f1), default 0.25. */
  rate?: number;
  /** Multiplies every sample (the reference's `mult`), default 1. */
  scale?: number;
}

const KEYS = ['arms', 'radialStd', 'tangentialStd', 'rate', 'scale'] as const;

/** Radial stds above the mean beyond which preimages are not searched (see Pinwheel). */
export const PINWHEEL_RADIAL_CUTOFF_STDS = 12;

/**
 * The pinwheel of the paper (reference `PinWheelPrior`, spec §9.1): c ~ U{0..K-1}, a_c = 2 pi c / K,
 * f = (1 + radialStd n1, tangentialStd n2), theta = a_c + rate exp(f1),
 * z = scale * R(-theta) f = scale * (f1 cos theta + f2 sin theta, -f1 sin theta + f2 cos theta).
 *
 * **Density (change of variables, per arm).** With f = R(theta) z, f1 solves
 * g(f1) = f1 - (z'1 cos q - z'2 sin q) = 0, q = rate e^{f1}, z' = R(a_c) z / scale, and
 * |det dz/df| = |1 + q f2| = |g'(f1)|. The map f -> z is not one-to-one, so
 * p(z) = (1/K) sum_c sum_{roots} N(f1; 1, radialStd^2) N(f2; 0, tangentialStd^2) / |1 + q f2| / scale^2.
 * All roots lie in [-|z'|, |z'|]; they are enumerated on the host (float64) by interval
 * subdivision with rigorous bounds on g' and g'' (a cell is dropped when |g(mid)| exceeds its
 * Lipschitz bound, solved when g is provably monotone on it), then polished by guarded Newton.
 * The value is the float64 host sum (rounded to float32 once); the gradient comes from a tf
 * graph in which one Newton step from the (constant) root makes d(log p)/dz equal the
 * implicit-function gradient (value = host + (graph - stopGradient(graph))).
 *
 * Exactness: roots are searched for f1 <= fMax = max(1 + 12 radialStd, log(1 + (pi + 0.5)/rate))
 * (2.8 for the defaults): the result is exact (to float rounding) for |z|/scale <= fMax, and
 * elsewhere omits only preimages with f1 beyond 12 radial stds, i.e. it is the density of the
 * features truncated there: it integrates to 1 - Q(12) = 1 - 1.8e-33. fMax also guarantees at
 * least one root per arm, so log p is finite everywhere.
 */
/** Roots whose share of p(z) is below e^this are left out of the score (Pinwheel.score). */
const NEGLIGIBLE_LOG_WEIGHT = -50;

export class Pinwheel extends Prior2D {
  readonly name = NAME;
  readonly radialStd: number;
  readonly tangentialStd: number;
  readonly rate: number;
  readonly scale: number;
  /** Upper end of the root search in f1 (see the class comment). */
  readonly fMax: number;

  constructor(options: PinwheelOptions = {}, classIndex: number | null = null) {
    checkOptionKeys(NAME, options, KEYS);
    const arms = positiveInt(NAME, 'arms', options.arms, 10);
    super(arms, classIndex);
    this.radialStd = positive(NAME, 'radialStd', options.radialStd, 0.15);
    this.tangentialStd = positive(NAME, 'tangentialStd', options.tangentialStd, 0.005);
    this.rate = nonNegative(NAME, 'rate', options.rate, 0.25);
    this.scale = positive(NAME, 'scale', options.scale, 1);
    if (classIndex !== null) this.checkClass(classIndex);
    this.fMax =
      this.rate > 0 ? Math.max(1 + PINWHEEL_RADIAL_CUTOFF_STDS * this.radialStd, Math.log(1 + (Math.PI + 0.5) / this.rate)) : Infinity;
  }

  get arms(): number {
    return this.numClasses;
  }

  get options(): Required<PinwheelOptions> {
    return { arms: this.numClasses, radialStd: this.radialStd, tangentialStd: this.tangentialStd, rate: this.rate, scale: this.scale };
  }

  conditional(c: number): Pinwheel {
    return new Pinwheel(this.options, this.checkClass(c));
  }

  /** E[z] by Gauss-Legendre over f1 (f2 has mean 0 and is independent), shape [2]. */
  mean(): tf.Tensor {
    const gl = gaussLegendre(64);
    const half = PINWHEEL_RADIAL_CUTOFF_STDS * this.radialStd;
    let c1 = 0;
    let s1 = 0;
    for (let j = 0; j < gl.x.length; j++) {
      const f1 = 1 + half * gl.x[j]!;
      const w = half * gl.w[j]! * Math.exp(-0.5 * ((f1 - 1) / this.radialStd) ** 2) / (this.radialStd * Math.sqrt(2 * Math.PI));
      const q = this.rate * Math.exp(f1);
      c1 += w * f1 * Math.cos(q);
      s1 += w * f1 * Math.sin(q);
    }
    let mx = 0;
    let my = 0;
    const classes = this.activeClasses;
    for (const c of classes) {
      const a = (2 * Math.PI * c) / this.numClasses;
      // E[f1 cos(a + q)], -E[f1 sin(a + q)]
      mx += (Math.cos(a) * c1 - Math.sin(a) * s1) / classes.length;
      my += -(Math.sin(a) * c1 + Math.cos(a) * s1) / classes.length;
    }
    return tf.tensor1d([mx * this.scale, my * this.scale]);
  }

  protected sampleGivenLabels(seed: SeedStream, labels: tf.Tensor1D): tf.Tensor2D {
    const n = labels.shape[0];
    const noise = tf.randomNormal([n, 2], 0, 1, 'float32', seed.next());
    const [n1, n2] = tf.unstack(noise, 1) as [tf.Tensor1D, tf.Tensor1D];
    const f1 = tf.add(tf.mul(n1, this.radialStd), 1);
    const f2 = tf.mul(n2, this.tangentialStd);
    const base = tf.mul(tf.cast(labels, 'float32'), (2 * Math.PI) / this.numClasses);
    const theta = tf.add(base, tf.mul(tf.exp(f1), this.rate));
    const c = tf.cos(theta);
    const s = tf.sin(theta);
    const z1 = tf.add(tf.mul(f1, c), tf.mul(f2, s));
    const z2 = tf.sub(tf.mul(f2, c), tf.mul(f1, s));
    return tf.mul(tf.stack([z1, z2], 1), this.scale) as tf.Tensor2D;
  }

  protected logProbFlat(z: tf.Tensor2D): tf.Tensor1D {
    const m = z.shape[0];
    const zb = tf.div(z, this.scale) as tf.Tensor2D;
    const roots = this.findRoots(zb.dataSync(), m);
    const K = roots.arms.length;
    const R = roots.maxRoots;
    // Dense [m, K, R] layout (no gather: its gradient needs UnsortedSegmentSum, which wasm lacks).
    // Unused slots repeat the arm's first root and are masked out of the sum.
    const f1Root = tf.tensor3d(roots.f1, [m, K, R], 'float32');
    const mask = tf.tensor3d(roots.mask, [m, K, R], 'float32');
    const angles = roots.arms.map((c) => (2 * Math.PI * c) / this.numClasses);
    const cosA = tf.reshape(vec(angles.map(Math.cos)), [1, K, 1]);
    const sinA = tf.reshape(vec(angles.map(Math.sin)), [1, K, 1]);
    const [zx, zy] = tf.unstack(tf.reshape(zb, [m, 1, 1, 2]), 3) as [tf.Tensor3D, tf.Tensor3D];
    // z' = R(a_c) z
    const x = tf.sub(tf.mul(zx, cosA), tf.mul(zy, sinA));
    const y = tf.add(tf.mul(zx, sinA), tf.mul(zy, cosA));
    // One Newton step from the host root: same value, implicit-function gradient in z.
    const q0 = tf.mul(tf.exp(f1Root), this.rate);
    const c0 = tf.cos(q0);
    const s0 = tf.sin(q0);
    const g = tf.sub(f1Root, tf.sub(tf.mul(x, c0), tf.mul(y, s0)));
    const gp = tf.add(1, tf.mul(q0, tf.add(tf.mul(x, s0), tf.mul(y, c0))));
    const f1 = tf.sub(f1Root, tf.div(g, gp));
    const q = tf.mul(tf.exp(f1), this.rate);
    const f2 = tf.add(tf.mul(x, tf.sin(q)), tf.mul(y, tf.cos(q)));
    const jac = tf.add(1, tf.mul(q, f2));
    const rs = this.radialStd;
    const ts = this.tangentialStd;
    const contrib = tf.sub(
      tf.add(tf.mul(tf.square(tf.div(tf.sub(f1, 1), rs)), -0.5), tf.mul(tf.square(tf.div(f2, ts)), -0.5)),
      tf.add(tf.log(tf.abs(jac)), LOG_2PI + Math.log(rs * ts)),
    );
    // Value from the host (float64 contributions, so float32 rounding of f2 / tangentialStd, which
    // can be large, does not enter); gradient from the tf graph: out = host + (lse - stop(lse)).
    const shift = stopGradient(tf.max(tf.reshape(contrib, [m, K * R]), 1, true));
    const terms = tf.mul(tf.exp(tf.sub(contrib, tf.reshape(shift, [m, 1, 1]))), mask);
    const lseTf = tf.add(tf.log(tf.sum(tf.reshape(terms, [m, K * R]), 1)), tf.reshape(shift, [m]));
    const finite = tf.tensor1d(roots.finite, 'bool');
    const safe = tf.where(finite, lseTf, tf.zerosLike(lseTf));
    const out = tf.add(vec(roots.logp), tf.sub(safe, stopGradient(safe)));
    return tf.where(finite, out, tf.fill([m], NaN)) as tf.Tensor1D;
  }

  /**
   * grad log p(z) at each row of `z` [..., 2], same shape, computed on the host in float64: each
   * root's contribution differentiated through the implicit function f1(z), weighted by its share
   * of p(z). The same value as autodiff of `logProb` (tested against it) without building and
   * differentiating that graph, for callers that read the score often (DDVI's prior guidance reads
   * it at every guided step). A constant (no gradient); NaN where log p is not finite.
   */
  score(z: tf.Tensor): tf.Tensor {
    this.checkValueShape(z);
    const flat = tf.tidy(() => tf.div(tf.reshape(tf.cast(z, 'float32'), [-1, 2]), this.scale));
    const zb = flat.dataSync();
    flat.dispose();
    const m = zb.length / 2;
    const { arms, cosA, sinA, perPoint, perPointLog, logp, finite } = this.rootsPerArm(zb, m);
    // Each root's weight in p(z) is e^{its contribution - the log-sum of all of them}.
    const logNorm = this.logClassWeight - 2 * Math.log(this.scale);
    const out = new Float32Array(2 * m).fill(NaN);
    const { radialStd: rs, tangentialStd: ts, rate } = this;
    for (let i = 0; i < m; i++) {
      if (!finite[i]) continue;
      const lse = logp[i]! - logNorm;
      let gx = 0;
      let gy = 0;
      for (let k = 0; k < arms.length; k++) {
        const roots = perPoint[i]![k]!;
        const logs = perPointLog[i]![k]!;
        const ca = cosA[k]!;
        const sa = sinA[k]!;
        const x = zb[2 * i]! * ca - zb[2 * i + 1]! * sa;
        const y = zb[2 * i]! * sa + zb[2 * i + 1]! * ca;
        for (let r = 0; r < roots.length; r++) {
          // A root below e^-50 of p(z) moves the score by less than float32 resolves (its own
          // gradient is at most ~|z| / tangentialStd^2): skipped, most of a point's roots are.
          if (logs[r]! - lse < NEGLIGIBLE_LOG_WEIGHT) continue;
          const [l, dx, dy] = pinwheelRootLogContributionGrad(x, y, roots[r]!, rs, ts, rate);
          const w = Math.exp(l - lse);
          // Back from the arm's rotated frame: d/dzx = dx cos a + dy sin a, d/dzy = -dx sin a + dy cos a.
          gx += w * (dx * ca + dy * sa);
          gy += w * (-dx * sa + dy * ca);
        }
      }
      out[2 * i] = gx / this.scale;
      out[2 * i + 1] = gy / this.scale;
    }
    return tf.tensor(out, z.shape, 'float32');
  }

  /**
   * Host-side root enumeration for base-coordinate points (float32 values, solved in float64):
   * roots laid out [m, arms, maxRoots], padded with the arm's first root (mask 0).
   */
  private findRoots(zb: ArrayLike<number>, m: number) {
    const { arms, perPoint, logp, finite, maxRoots } = this.rootsPerArm(zb, m);
    const K = arms.length;
    const R = maxRoots;
    const f1 = new Float32Array(m * K * R).fill(1);
    const mask = new Float32Array(m * K * R);
    for (let i = 0; i < m; i++) {
      if (!finite[i]) continue;
      for (let k = 0; k < K; k++) {
        const found = perPoint[i]![k]!;
        for (let r = 0; r < R; r++) {
          const o = (i * K + k) * R + r;
          f1[o] = r < found.length ? found[r]! : found[0]!;
          mask[o] = r < found.length ? 1 : 0;
        }
      }
    }
    return { arms, maxRoots, f1, mask, logp, finite };
  }

  /**
   * Every root of every active arm for base-coordinate points (float64, `perPoint[i][k]` the roots
   * of arm `arms[k]`, `perPointLog[i][k]` their log-contributions), each point's log p (NaN where
   * not finite), the most roots on one arm and each arm's rotation (`cosA[k]`, `sinA[k]`): the
   * enumeration logProb and score share.
   */
  private rootsPerArm(zb: ArrayLike<number>, m: number) {
    const arms = this.activeClasses;
    const cosA = arms.map((c) => Math.cos((2 * Math.PI * c) / this.numClasses));
    const sinA = arms.map((c) => Math.sin((2 * Math.PI * c) / this.numClasses));
    const perPoint: number[][][] = [];
    const perPointLog: number[][][] = [];
    const logp = new Float64Array(m).fill(NaN);
    const finite = new Uint8Array(m);
    const logNorm = this.logClassWeight - 2 * Math.log(this.scale);
    let maxRoots = 1;
    for (let i = 0; i < m; i++) {
      const zx = zb[2 * i]!;
      const zy = zb[2 * i + 1]!;
      const lists: number[][] = [];
      const logLists: number[][] = [];
      perPoint.push(lists);
      perPointLog.push(logLists);
      if (!Number.isFinite(zx) || !Number.isFinite(zy)) continue;
      let best = -Infinity;
      let allArms = true;
      const terms: number[] = [];
      for (let k = 0; k < arms.length; k++) {
        const x = zx * cosA[k]! - zy * sinA[k]!;
        const y = zx * sinA[k]! + zy * cosA[k]!;
        const found: number[] = [];
        pinwheelArmRoots(x, y, this.rate, this.fMax, found);
        if (found.length === 0) allArms = false;
        const logs = found.map((r) => pinwheelRootLogContribution(x, y, r, this.radialStd, this.tangentialStd, this.rate));
        for (const t of logs) {
          terms.push(t);
          best = Math.max(best, t);
        }
        lists.push(found);
        logLists.push(logs);
        maxRoots = Math.max(maxRoots, found.length);
      }
      // Every arm has a root for finite z (fMax guarantees it); NaN marks a point without.
      finite[i] = allArms && best > -Infinity ? 1 : 0;
      if (finite[i]) {
        let sum = 0;
        for (const t of terms) sum += Math.exp(t - best);
        logp[i] = best + Math.log(sum) + logNorm;
      }
    }
    return { arms, cosA, sinA, perPoint, perPointLog, logp, finite, maxRoots };
  }
}

/**
 * log N(f1; 1, rs^2) + log N(f2; 0, ts^2) - log|1 + q f2| at a root f1 for the arm-rotated point
 * (x, y) (float64, for the stable shift and for tests).
 */
export function pinwheelRootLogContribution(x: number, y: number, f1: number, rs: number, ts: number, rate: number): number {
  const q = rate * Math.exp(f1);
  const f2 = x * Math.sin(q) + y * Math.cos(q);
  return -0.5 * ((f1 - 1) / rs) ** 2 - 0.5 * (f2 / ts) ** 2 - LOG_2PI - Math.log(rs * ts) - Math.log(Math.abs(1 + q * f2));
}

/**
 * A root's log-contribution (pinwheelRootLogContribution) and its gradient in the arm-rotated point
 * (x, y), through the implicit function f1(x, y) of g(f1) = f1 - (x cos q - y sin q) = 0:
 * df1 = (cos q dx - sin q dy) / J with J = g'(f1) = 1 + q f2; df2 = (sin q, cos q) + f1 q df1;
 * dJ = q f2 df1 + q df2.
 */
export function pinwheelRootLogContributionGrad(x: number, y: number, f1: number, rs: number, ts: number, rate: number): [number, number, number] {
  const q = rate * Math.exp(f1);
  const sq = Math.sin(q);
  const cq = Math.cos(q);
  const f2 = x * sq + y * cq;
  const J = 1 + q * f2;
  const value = -0.5 * ((f1 - 1) / rs) ** 2 - 0.5 * (f2 / ts) ** 2 - LOG_2PI - Math.log(rs * ts) - Math.log(Math.abs(J));
  const grad = (df1: number, direct: number): number => {
    const df2 = direct + f1 * q * df1;
    const dJ = q * f2 * df1 + q * df2;
    return (-(f1 - 1) / (rs * rs)) * df1 - (f2 / (ts * ts)) * df2 - dJ / J;
  };
  return [value, grad(cq / J, sq), grad(-sq / J, cq)];
}

/**
 * All roots f1 in (-rho, min(rho, fMax)] of g(f1) = f1 - (x cos q - y sin q), q = rate e^{f1},
 * rho = |(x, y)|, appended to out. Interval subdivision: on a cell [a, b] with q_b = rate e^b,
 * |g' - 1| <= rho q_b and |g''| <= rho q_b (1 + q_b); a cell is monotone when rho q_b < 1 or
 * |g'(mid)| > |g''|max (b - a)/2, root-free when |g(mid)| > (1 + rho q_b)(b - a)/2, else halved.
 * Only exact tangencies (double roots, where the density is singular) can be missed.
 */
export function pinwheelArmRoots(x: number, y: number, rate: number, fMax: number, out: number[]): void {
  const rho = Math.hypot(x, y);
  const g = (f: number) => {
    const q = rate * Math.exp(f);
    return f - (x * Math.cos(q) - y * Math.sin(q));
  };
  const gp = (f: number) => {
    const q = rate * Math.exp(f);
    return 1 + q * (x * Math.sin(q) + y * Math.cos(q));
  };
  const lo = -rho - 1e-9;
  const hi = Math.min(rho + 1e-9, fMax);
  if (!(hi > lo)) return;
  const stack: number[] = [lo, g(lo), hi, g(hi)];
  let guard = 0;
  while (stack.length > 0) {
    const gb = stack.pop()!;
    const b = stack.pop()!;
    const ga = stack.pop()!;
    const a = stack.pop()!;
    if (++guard > 1_000_000) break; // unreachable for finite inputs; keeps a pathological case bounded
    const change = (ga < 0 && gb >= 0) || (ga > 0 && gb <= 0);
    const qb = rate * Math.exp(b);
    const w = b - a;
    if (rho * qb < 1) {
      if (change) out.push(solveBracketed(g, gp, a, b, ga));
      continue;
    }
    const mid = 0.5 * (a + b);
    const gm = g(mid);
    if (Math.abs(gp(mid)) > rho * qb * (1 + qb) * 0.5 * w) {
      if (change) out.push(solveBracketed(g, gp, a, b, ga));
      continue;
    }
    if (Math.abs(gm) > (1 + rho * qb) * 0.5 * w) continue;
    if (w < 1e-13 * (1 + Math.abs(mid))) {
      if (change) out.push(mid);
      continue;
    }
    stack.push(a, ga, mid, gm, mid, gm, b, gb);
  }
}

/** Root of g in [a, b] (g(a) = ga and g(b) of opposite signs, g monotone there): Newton guarded by bisection. */
function solveBracketed(g: (f: number) => number, gp: (f: number) => number, a: number, b: number, ga: number): number {
  let lo = a;
  let hi = b;
  const neg = ga < 0; // g(lo) < 0 side
  let f = 0.5 * (lo + hi);
  for (let it = 0; it < 200; it++) {
    const v = g(f);
    if (v === 0) return f;
    if (v < 0 === neg) lo = f;
    else hi = f;
    const d = gp(f);
    let next = f - v / d;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - f) <= 1e-15 * (1 + Math.abs(f)) || hi - lo <= 1e-15 * (1 + Math.abs(f))) return next;
    f = next;
  }
  return f;
}
