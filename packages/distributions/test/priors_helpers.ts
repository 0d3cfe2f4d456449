/**
 * Float64 references for the prior tests, written from the reference repo's recipes
 * (topwasu/DDVI priors.py) and textbook formulas, independently of src/priors: seeded samplers
 * that follow the numpy code line by line, brute-force densities, and small numerical helpers.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

export { expectNoLeak, testSeed } from '@ddvi/core/testing';
export { take } from './helpers';

export const LOG_2PI = Math.log(2 * Math.PI);

/** log(sum(exp(v))) in float64. */
export function lse(v: number[]): number {
  const m = Math.max(...v);
  if (!Number.isFinite(m)) return m;
  let s = 0;
  for (const x of v) s += Math.exp(x - m);
  return m + Math.log(s);
}

/** mulberry32 uniform in [0, 1) plus Box-Muller normals: a small seeded stand-in for numpy's RNG. */
export class Rng {
  private a: number;
  private spare: number | null = null;
  constructor(seed: number) {
    this.a = seed >>> 0;
  }
  uniform(): number {
    this.a = (this.a + 0x6d2b79f5) | 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const u = 1 - this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
  int(k: number): number {
    return Math.min(k - 1, Math.floor(this.uniform() * k));
  }
}

/** PinWheelPrior.sample, line by line (features @ rotations as a row-vector product). */
export function refPinwheel(rng: Rng, n: number, K = 10, cls?: number, mult = 1): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const c = cls ?? rng.int(K);
    const f1 = rng.normal() * 0.15 + 1;
    const f2 = rng.normal() * 0.005;
    const angle = ((2 * Math.PI) / K) * c + 0.25 * Math.exp(f1);
    // rotations = [[cos, -sin], [sin, cos]]; z_j = sum_i f_i R_ij
    const R = [
      [Math.cos(angle), -Math.sin(angle)],
      [Math.sin(angle), Math.cos(angle)],
    ];
    out.push([(f1 * R[0]![0]! + f2 * R[1]![0]!) * mult, (f1 * R[0]![1]! + f2 * R[1]![1]!) * mult, c]);
  }
  return out;
}

/** SwissRollPrior.sample. */
export function refSwissRoll(rng: Rng, n: number, noise: number, K = 10, cls?: number, mult = 1): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const c = cls ?? rng.int(K);
    const uni = rng.uniform() / K + c / K;
    const r = Math.sqrt(uni) * 3;
    const rad = Math.PI * 4.5 * Math.sqrt(uni);
    out.push([(r * Math.cos(rad) + rng.normal() * noise) * mult, (r * Math.sin(rad) + rng.normal() * noise) * mult, c]);
  }
  return out;
}

/** SquarePrior.sample (the masked assignments, last one wins, as in numpy). */
export function refSquare(rng: Rng, n: number, noiseLevel: number, K = 10, cls?: number, mult = 1): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const c = cls ?? rng.int(K);
    const pos = (c + rng.uniform()) / K;
    const nz = (rng.normal() / 50) * noiseLevel;
    let z: number[] = [0, 0];
    if (pos < 1) z = [-1 + nz, (pos - 0.75) * 8 - 1];
    if (pos < 0.75) z = [2 - (pos - 0.5) * 8 - 1, -1 + nz];
    if (pos < 0.5) z = [1 + nz, 2 - (pos - 0.25) * 8 - 1];
    if (pos < 0.25) z = [pos * 8 - 1, 1 + nz];
    out.push([z[0]! * mult, z[1]! * mult, c]);
  }
  return out;
}

/** GaussMixPrior.sample. */
export function refGaussMix(rng: Rng, n: number, K = 10, cls?: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const c = cls ?? rng.int(K);
    const x = rng.normal() * 0.5;
    const y = rng.normal() * 0.1;
    const r = ((2 * Math.PI) / K) * c;
    out.push([x * Math.cos(r) - y * Math.sin(r) + 1.4 * Math.cos(r), x * Math.sin(r) + y * Math.cos(r) + 1.4 * Math.sin(r), c]);
  }
  return out;
}

/** Mean and covariance of rows [x, y, ...]. */
export function moments(rows: ArrayLike<number>[] | number[][]): { mean: [number, number]; cov: [number, number, number]; n: number } {
  const n = rows.length;
  let mx = 0;
  let my = 0;
  for (const r of rows) {
    mx += r[0]! / n;
    my += r[1]! / n;
  }
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (const r of rows) {
    const dx = r[0]! - mx;
    const dy = r[1]! - my;
    sxx += (dx * dx) / (n - 1);
    syy += (dy * dy) / (n - 1);
    sxy += (dx * dy) / (n - 1);
  }
  return { mean: [mx, my], cov: [sxx, syy, sxy], n };
}

/** Rows of a [n, 2] tensor (not disposed). */
export function rows2(t: tf.Tensor): number[][] {
  const d = t.dataSync();
  const out: number[][] = [];
  for (let i = 0; i < d.length; i += 2) out.push([d[i]!, d[i + 1]!]);
  return out;
}

/**
 * Two-sample check of means and covariances: each of the 5 moments of a and b agrees within
 * z standard errors (normal approximation; fourth moments estimated from the pooled samples).
 */
export function expectSameMoments(a: number[][], b: number[][], z = 5): void {
  const ma = moments(a);
  const mb = moments(b);
  for (let j = 0; j < 2; j++) {
    const se = Math.sqrt(ma.cov[j]! / ma.n + mb.cov[j]! / mb.n);
    expect(Math.abs(ma.mean[j]! - mb.mean[j]!)).toBeLessThanOrEqual(z * se + 1e-9);
  }
  const pairs: [number, number, number][] = [
    [0, 0, 0],
    [1, 1, 1],
    [0, 1, 2],
  ];
  for (const [i, j, k] of pairs) {
    const prodVar = (rs: number[][], m: { mean: [number, number] }, c: number) => {
      let s = 0;
      for (const r of rs) {
        const p = (r[i]! - m.mean[i]!) * (r[j]! - m.mean[j]!) - c;
        s += p * p;
      }
      return s / rs.length;
    };
    const se = Math.sqrt(prodVar(a, ma, ma.cov[k]!) / ma.n + prodVar(b, mb, mb.cov[k]!) / mb.n);
    expect(Math.abs(ma.cov[k]! - mb.cov[k]!)).toBeLessThanOrEqual(z * se + 1e-9);
  }
}

/** Midpoint-rule integral of exp(logp) over the cells of a grid given by centres (cell size h). */
export function gridPoints(lo: number, hi: number, h: number): number[] {
  const pts: number[] = [];
  for (let x = lo + h / 2; x < hi; x += h) pts.push(x);
  return pts;
}

/** Evaluates logProb on all pairs (xs[i], ys[j]) in chunks; returns float64 log-densities in row-major order. */
export function logProbOnGrid(logProb: (z: tf.Tensor) => tf.Tensor, xs: number[], ys: number[], chunk = 20000): Float64Array {
  const out = new Float64Array(xs.length * ys.length);
  const flat = new Float32Array(2 * xs.length * ys.length);
  let k = 0;
  for (const x of xs) {
    for (const y of ys) {
      flat[k++] = x;
      flat[k++] = y;
    }
  }
  const m = xs.length * ys.length;
  for (let s = 0; s < m; s += chunk) {
    const e = Math.min(m, s + chunk);
    const v = tf.tidy(() => logProb(tf.tensor2d(flat.subarray(2 * s, 2 * e), [e - s, 2])).dataSync());
    out.set(v, s);
  }
  return out;
}

/** log N(x; m, s^2), float64. */
export function normalLp(x: number, m: number, s: number): number {
  const z = (x - m) / s;
  return -0.5 * z * z - Math.log(s) - 0.5 * LOG_2PI;
}

/** Central finite-difference gradient of a float64 function of (x, y). */
export function fdGrad(f: (x: number, y: number) => number, x: number, y: number, h = 1e-6): [number, number] {
  return [(f(x + h, y) - f(x - h, y)) / (2 * h), (f(x, y + h) - f(x, y - h)) / (2 * h)];
}

/** tf gradient of sum(logProb) at the rows of pts, as rows. */
export function tfGrad(logProb: (z: tf.Tensor) => tf.Tensor, pts: number[][]): number[][] {
  const g = tf.tidy(() => tf.grad((z: tf.Tensor) => tf.sum(logProb(z)))(tf.tensor2d(pts)).dataSync());
  return pts.map((_, i) => [g[2 * i]!, g[2 * i + 1]!]);
}

/**
 * Two log-density estimates at the same points agree on average: |mean(a - b)| and mean|a - b|
 * below the given tolerances (a KDE against the exact density it converges to, say).
 */
export function expectLogDensitiesAgree(a: number[], b: number[], tol: { meanDiff: number; meanAbs: number }): void {
  expect(a.length).toBe(b.length);
  let meanDiff = 0;
  let meanAbs = 0;
  a.forEach((v, i) => {
    meanDiff += (v - b[i]!) / a.length;
    meanAbs += Math.abs(v - b[i]!) / a.length;
  });
  expect(Math.abs(meanDiff)).toBeLessThan(tol.meanDiff);
  expect(meanAbs).toBeLessThan(tol.meanAbs);
}

/** A prior with a host-side score (the pinwheel, the swiss roll) as the score test reads it. */
interface Scored {
  score(z: tf.Tensor): tf.Tensor;
  logProb(z: tf.Tensor): tf.Tensor;
}

/**
 * The score check shared by the priors with a host-side score: at every point score(z) equals the
 * float64 finite difference of the reference density `refLogProb` (step h) and autodiff of
 * logProb, within abs + rel x |gradient|; each of `others` (a class, a rescaled prior) equals its
 * own autodiff within abs + othersRel x |gradient|; a [..., 2] input keeps its shape and a NaN row
 * gives NaN. The caller wraps it in expectNoLeak.
 */
export function expectScoreIsGradLogProb(
  prior: Scored,
  others: Scored[],
  points: number[][],
  refLogProb: (x: number, y: number) => number,
  tol: { h: number; abs: number; rel: number; othersRel: number },
): void {
  const scoreAt = (p: Scored): number[][] => {
    const t = tf.tidy(() => p.score(tf.tensor2d(points)));
    const r = rows2(t);
    t.dispose();
    return r;
  };
  const gap = (a: number[], b: number[]): number => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!);
  const score = scoreAt(prior);
  const auto = tfGrad((z) => prior.logProb(z), points);
  points.forEach(([x, y], i) => {
    const fd = fdGrad(refLogProb, x!, y!, tol.h);
    const size = Math.hypot(fd[0], fd[1]);
    expect(gap(score[i]!, fd), `point ${i} against finite differences`).toBeLessThan(tol.abs + tol.rel * size);
    expect(gap(score[i]!, auto[i]!), `point ${i} against autodiff`).toBeLessThan(tol.abs + tol.rel * size);
  });
  for (const p of others) {
    const s = scoreAt(p);
    const a = tfGrad((z) => p.logProb(z), points);
    points.forEach((_, i) => expect(gap(s[i]!, a[i]!), `point ${i} of another prior`).toBeLessThan(tol.abs + tol.othersRel * Math.hypot(a[i]![0]!, a[i]![1]!)));
  }
  const shaped = tf.tidy(() => prior.score(tf.tensor3d([[[0.3, -0.2]], [[NaN, 1]]])));
  expect(shaped.shape).toEqual([2, 1, 2]);
  const v = Array.from(shaped.dataSync());
  shaped.dispose();
  expect(v.slice(0, 2).every(Number.isFinite)).toBe(true);
  expect(v.slice(2).every(Number.isNaN)).toBe(true);
}
