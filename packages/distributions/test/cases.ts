/**
 * DISTRIBUTION_CASES: one row per (family, parameter layout) — scalar, vector, batched and
 * broadcast parameters — each with float64 references for logProb, mean and variance. The property
 * tests in properties.test.ts loop over all of them (NumPyro's CONTINUOUS / DISCRETE tables).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { Bernoulli, Categorical, ContinuousBernoulli, DiagNormal, Mixture, Normal } from '../src/index';
import type { DistributionBase } from '../src/index';
import {
  bernoulliLp,
  cbLp,
  cbMean,
  cbVariance,
  eventSum,
  full,
  logSoftmax,
  logSumExp,
  normalLp,
  rows,
  sigmoid,
} from './reference';

export type Dist = DistributionBase & { variance?(): tf.Tensor; entropy?(): tf.Tensor };

export interface DistCase {
  label: string;
  /** A fresh distribution; free it with release(). */
  make: () => Dist;
  batchShape: number[];
  eventShape: number[];
  reparameterized: boolean;
  /** Float64 log-density of flat values [..., ...batch, ...event] -> flat [..., ...batch]. */
  refLogProb: (x: number[]) => number[];
  /** Flat [...batch, ...event]. */
  refMean: number[];
  refVariance: number[];
}

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

function normalCase(label: string, loc: number | number[] | number[][], scale: number | number[] | number[][], batchShape: number[]): DistCase {
  const m = full(loc, batchShape);
  const s = full(scale, batchShape);
  return {
    label,
    make: () => new Normal(loc, scale),
    batchShape,
    eventShape: [],
    reparameterized: true,
    refLogProb: (x) => eventSum(x, [m, s], 1, normalLp),
    refMean: m,
    refVariance: s.map((v) => v * v),
  };
}

function diagCase(label: string, loc: number | number[] | number[][], scale: number | number[] | number[][], shape: number[], fromLogVar = false): DistCase {
  const m = full(loc, shape);
  const s = fromLogVar ? full(scale, shape).map((lv) => Math.exp(lv / 2)) : full(scale, shape);
  return {
    label,
    make: () => (fromLogVar ? DiagNormal.fromLogVariance(loc, scale) : new DiagNormal(loc, scale)),
    batchShape: shape.slice(0, -1),
    eventShape: shape.slice(-1),
    reparameterized: true,
    refLogProb: (x) => eventSum(x, [m, s], shape[shape.length - 1]!, normalLp),
    refMean: m,
    refVariance: s.map((v) => v * v),
  };
}

function bernoulliCase(label: string, params: { probs: number[] | number[][] } | { logits: number[] | number[][] }, shape: number[]): DistCase {
  const p = 'probs' in params ? full(params.probs, shape) : full(params.logits, shape).map(sigmoid);
  return {
    label,
    make: () => new Bernoulli(params),
    batchShape: shape.slice(0, -1),
    eventShape: shape.slice(-1),
    reparameterized: false,
    refLogProb: (x) => eventSum(x, [p], shape[shape.length - 1]!, bernoulliLp),
    refMean: p,
    refVariance: p.map((v) => v * (1 - v)),
  };
}

function cbCase(label: string, params: { probs: number[] | number[][] } | { logits: number[] | number[][] }, shape: number[]): DistCase {
  const p = 'probs' in params ? full(params.probs, shape) : full(params.logits, shape).map(sigmoid);
  return {
    label,
    make: () => new ContinuousBernoulli(params),
    batchShape: shape.slice(0, -1),
    eventShape: shape.slice(-1),
    reparameterized: true,
    refLogProb: (x) => eventSum(x, [p], shape[shape.length - 1]!, cbLp),
    refMean: p.map(cbMean),
    refVariance: p.map(cbVariance),
  };
}

function categoricalCase(label: string, params: { probs: number[] | number[][] } | { logits: number[] | number[][] }, shape: number[]): DistCase {
  const k = shape[shape.length - 1]!;
  const raw = 'probs' in params ? full(params.probs, shape).map(Math.log) : full(params.logits, shape);
  const logp = rows(raw, k).map(logSoftmax);
  const moments = logp.map((row) => {
    const p = row.map(Math.exp);
    const mean = p.reduce((a, v, i) => a + v * i, 0);
    return { mean, variance: p.reduce((a, v, i) => a + v * (i - mean) ** 2, 0) };
  });
  return {
    label,
    make: () => new Categorical(params),
    batchShape: shape.slice(0, -1),
    eventShape: [],
    reparameterized: false,
    refLogProb: (x) => x.map((label, i) => logp[i % logp.length]![label]!),
    refMean: moments.map((m) => m.mean),
    refVariance: moments.map((m) => m.variance),
  };
}

/** 2-D Gaussian mixture: K components with DiagNormal [K, 2] and weights w. */
function gmmCase(label: string, w: number[], loc: number[][], scale: number[][]): DistCase {
  const k = w.length;
  const logw = w.map(Math.log);
  const mean = [0, 1].map((d) => w.reduce((a, wk, j) => a + wk * loc[j]![d]!, 0));
  const variance = [0, 1].map((d) => w.reduce((a, wk, j) => a + wk * (scale[j]![d]! ** 2 + loc[j]![d]! ** 2), 0) - mean[d]! ** 2);
  return {
    label,
    make: () => new Mixture(new Categorical({ probs: w }), new DiagNormal(loc, scale)),
    batchShape: [],
    eventShape: [2],
    reparameterized: false,
    refLogProb: (x) =>
      rows(x, 2).map((xy) =>
        logSumExp(Array.from({ length: k }, (_, j) => logw[j]! + normalLp(xy[0]!, loc[j]![0]!, scale[j]![0]!) + normalLp(xy[1]!, loc[j]![1]!, scale[j]![1]!))),
      ),
    refMean: mean,
    refVariance: variance,
  };
}

/** Batch of 2 scalar mixtures of 3 Normals, mixing logits [2, 3] and components [2, 3]. */
function normalMixtureCase(): DistCase {
  const logits = [[0, 0, 0], [1, 0, -1]];
  const loc = [[-2, 0, 2], [0, 1, 5]];
  const scale = [0.5, 1, 0.3]; // broadcast over the batch
  const logw = logits.map(logSoftmax);
  const w = logw.map((r) => r.map(Math.exp));
  const mean = w.map((r, b) => r.reduce((a, wk, j) => a + wk * loc[b]![j]!, 0));
  const variance = w.map((r, b) => r.reduce((a, wk, j) => a + wk * (scale[j]! ** 2 + loc[b]![j]! ** 2), 0) - mean[b]! ** 2);
  return {
    label: 'Mixture of Normal, batch [2], K = 3, broadcast scale',
    make: () => new Mixture(new Categorical({ logits }), new Normal(loc, scale)),
    batchShape: [2],
    eventShape: [],
    reparameterized: false,
    refLogProb: (x) => x.map((v, i) => logSumExp([0, 1, 2].map((j) => logw[i % 2]![j]! + normalLp(v, loc[i % 2]![j]!, scale[j]!)))),
    refMean: mean,
    refVariance: variance,
  };
}

export const DISTRIBUTION_CASES: DistCase[] = [
  normalCase('Normal, scalar', 0.5, 2, []),
  normalCase('Normal, vector', [0, 1, -2], [1, 0.5, 3], [3]),
  normalCase('Normal, broadcast [2,1] x [3]', [[0], [1]], [1, 2, 3], [2, 3]),
  diagCase('DiagNormal, one vector', [0, 1, -1], [1, 2, 0.5], [3]),
  diagCase('DiagNormal, batch [2], scalar scale', [[0, 0], [1, -1]], 0.7, [2, 2]),
  diagCase('DiagNormal, broadcast [1,2] x [3,2]', [[0, 1]], [[1, 2], [0.5, 0.5], [2, 1]], [3, 2]),
  diagCase('DiagNormal.fromLogVariance', [[1, 2, 3]], [[0, -1, 1]], [1, 3], true),
  bernoulliCase('Bernoulli, probs vector', { probs: [0.1, 0.5, 0.9] }, [3]),
  bernoulliCase('Bernoulli, logits batch [2]', { logits: [[-2, 0, 3], [1, 1, -1]] }, [2, 3]),
  cbCase('ContinuousBernoulli, probs incl. 0.5 and 0.5 + 1e-4', { probs: [0.2, 0.5, 0.5001, 0.8] }, [4]),
  cbCase('ContinuousBernoulli, logits batch [2]', { logits: [[-3, 0.1], [2, -0.05]] }, [2, 2]),
  categoricalCase('Categorical, probs', { probs: [0.2, 0.3, 0.5] }, [3]),
  categoricalCase('Categorical, logits batch [2]', { logits: [[0, 1, 2, 3], [1, 1, 1, 1]] }, [2, 4]),
  gmmCase('Mixture of DiagNormal, 2-D, K = 2', [0.3, 0.7], [[-1, 0], [2, 1]], [[0.5, 0.5], [1, 0.3]]),
  normalMixtureCase(),
];

/** Disposes a case's distribution and, for mixtures (which do not own their parts), its parts. */
export function release(d: Dist): void {
  d.dispose();
  if (d instanceof Mixture) {
    d.mixing.dispose();
    (d.components as DistributionBase).dispose();
  }
}

export { size };
