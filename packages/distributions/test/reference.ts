/**
 * Float64 reference densities and moments, written from the textbook formulas (not from the
 * library code), for the case table and the per-family tests.
 */
import * as tf from '@tensorflow/tfjs-core';

export const LOG_2PI = Math.log(2 * Math.PI);

/** Broadcasts nested numbers to `shape` (exact copy through float32, as the distribution sees them). */
export function full(values: number | number[] | number[][], shape: number[]): number[] {
  return tf.tidy(() => Array.from(tf.broadcastTo(tf.tensor(values, undefined, 'float32'), shape).dataSync()));
}

export function normalLp(x: number, m: number, s: number): number {
  const z = (x - m) / s;
  return -0.5 * z * z - Math.log(s) - 0.5 * LOG_2PI;
}

export function bernoulliLp(x: number, p: number): number {
  return x * Math.log(p) + (1 - x) * Math.log(1 - p);
}

/** Continuous Bernoulli normalizer C(p) = 2 atanh(1 - 2p) / (1 - 2p), C(1/2) = 2 (float64). */
export function cbLogC(p: number): number {
  if (p === 0.5) return Math.log(2);
  return Math.log((2 * Math.atanh(1 - 2 * p)) / (1 - 2 * p));
}

export function cbLp(x: number, p: number): number {
  return bernoulliLp(x, p) + cbLogC(p);
}

export function cbMean(p: number): number {
  if (p === 0.5) return 0.5;
  return p / (2 * p - 1) + 1 / (2 * Math.atanh(1 - 2 * p));
}

export function cbVariance(p: number): number {
  if (p === 0.5) return 1 / 12;
  const a = 2 * Math.atanh(1 - 2 * p);
  return (p * (p - 1)) / ((1 - 2 * p) * (1 - 2 * p)) + 1 / (a * a);
}

export function sigmoid(l: number): number {
  return 1 / (1 + Math.exp(-l));
}

export function logSumExp(xs: number[]): number {
  const m = Math.max(...xs);
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
}

/** Normalized log-probabilities of a logits row. */
export function logSoftmax(row: number[]): number[] {
  const z = logSumExp(row);
  return row.map((v) => v - z);
}

/** Splits a flat array into rows of length k. */
export function rows(flat: number[], k: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < flat.length; i += k) out.push(flat.slice(i, i + k));
  return out;
}

/**
 * Sums per-element log-densities over the event: x is flat [..., ...batch, ...event] and the
 * parameters are flat [...batch, ...event] (already broadcast); returns flat [..., ...batch].
 */
export function eventSum(x: number[], params: number[][], eventSize: number, elem: (x: number, ...p: number[]) => number): number[] {
  const n = params[0]!.length;
  const out: number[] = [];
  for (let i = 0; i < x.length; i += eventSize) {
    let s = 0;
    for (let e = 0; e < eventSize; e++) {
      const j = (i + e) % n;
      s += elem(x[i + e]!, ...params.map((p) => p[j]!));
    }
    out.push(s);
  }
  return out;
}
