import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Downloads a tensor (and disposes it) as a plain number array. */
export function take(t: tf.Tensor): number[] {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

/** Asserts elementwise |a - b| <= atol + rtol |b|. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-5, what = ''): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) {
      throw new Error(`${what} index ${i}: got ${a}, expected ${b} (atol ${atol}, rtol ${rtol})`);
    }
  }
}

/** Column means and (unbiased) variances of a row-major [n, d] array. */
export function columnStats(data: ArrayLike<number>, n: number, d: number): { mean: number[]; variance: number[] } {
  const mean = new Array<number>(d).fill(0);
  const variance = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k]! += data[i * d + k]! / n;
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) variance[k]! += (data[i * d + k]! - mean[k]!) ** 2 / (n - 1);
  return { mean, variance };
}

/**
 * Monte Carlo check of n draws against N(mean, variance) per column: the sample mean within
 * `z` standard errors (sqrt(variance / n)) and the sample variance within `z` standard errors of
 * a Gaussian sample variance (variance * sqrt(2 / (n - 1))).
 */
export function expectGaussianStats(
  data: ArrayLike<number>,
  n: number,
  mean: readonly number[],
  variance: readonly number[],
  z = 5,
  what = '',
): void {
  const d = mean.length;
  const s = columnStats(data, n, d);
  for (let k = 0; k < d; k++) {
    const seMean = Math.sqrt(variance[k]! / n);
    const seVar = variance[k]! * Math.sqrt(2 / (n - 1));
    if (Math.abs(s.mean[k]! - mean[k]!) > z * seMean + 1e-6) {
      throw new Error(`${what} coord ${k}: mean ${s.mean[k]} vs ${mean[k]} (> ${z} SE = ${z * seMean})`);
    }
    if (Math.abs(s.variance[k]! - variance[k]!) > z * seVar + 1e-9) {
      throw new Error(`${what} coord ${k}: variance ${s.variance[k]} vs ${variance[k]} (> ${z} SE = ${z * seVar})`);
    }
  }
}

/** Runs fn and asserts the live tensor count is unchanged. */
export function expectNoLeak(fn: () => void): void {
  const before = tf.memory().numTensors;
  fn();
  expect(tf.memory().numTensors).toBe(before);
}
