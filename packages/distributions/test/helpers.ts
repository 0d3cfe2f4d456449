import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

export { expectNoLeak, testSeed } from '@ddvi/core/testing';

/** Downloads a tensor (and disposes it) as a plain number array. */
export function take(t: tf.Tensor): number[] {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

/** Asserts elementwise |a - b| <= atol + rtol |b|. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) {
      throw new Error(`index ${i}: got ${a}, expected ${b} (atol ${atol}, rtol ${rtol})`);
    }
  }
}

/** Composite Simpson rule of f on [a, b] with n (even) intervals, in float64. */
export function simpson(f: (x: number) => number, a: number, b: number, n = 2000): number {
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

/**
 * Per-column Monte Carlo mean and standard error of samples shaped [n, ...rest]: returns
 * arrays over the flattened rest.
 */
export function mcStats(samples: tf.Tensor): { mean: number[]; se: number[]; variance: number[]; varSe: number[] } {
  const n = samples.shape[0]!;
  const data = samples.dataSync();
  const m = data.length / n;
  const mean = new Array<number>(m).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) mean[j]! += data[i * m + j]! / n;
  const m2 = new Array<number>(m).fill(0);
  const m4 = new Array<number>(m).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const d = data[i * m + j]! - mean[j]!;
      m2[j]! += (d * d) / n;
      m4[j]! += (d * d * d * d) / n;
    }
  }
  const variance = m2.map((v) => (v * n) / (n - 1));
  const se = variance.map((v) => Math.sqrt(v / n));
  const varSe = m4.map((v4, j) => Math.sqrt(Math.max(v4 - m2[j]! * m2[j]!, 0) / n));
  return { mean, se, variance, varSe };
}

/** d.logProb(x) downloaded; disposes x and the result. */
export function logProbOf(d: { logProb(x: tf.Tensor): tf.Tensor }, x: tf.Tensor): number[] {
  const v = take(d.logProb(x));
  x.dispose();
  return v;
}
