import * as tf from '@tensorflow/tfjs-core';
import { DdviPosterior } from '../src';
import type { DdviPosteriorConfig } from '../src';
import type { Distribution } from '@ddvi/core';
import { IsotropicGaussian } from '@ddvi/distributions';

export const SMALL: Partial<DdviPosteriorConfig> = { encoderHidden: [16], contextHidden: [16], denoiserWidth: 16, encoderDropout: 0, contextDropout: 0 };

export function small(config: Partial<DdviPosteriorConfig> = {}, dataSize = 6, seed = 1, prior?: Distribution): DdviPosterior {
  return new DdviPosterior(2, dataSize, seed, { ...SMALL, noising: { kind: 'linear', T: 5 }, ...config }, prior);
}

/** n copies of one row, so Monte Carlo statistics are over the posterior's own randomness. */
export function tiled(row: number[], n: number): tf.Tensor2D {
  return tf.tidy(() => tf.tile(tf.tensor2d([row]), [n, 1]) as tf.Tensor2D);
}

export function meanAndSe(values: ArrayLike<number>): { mean: number; se: number } {
  const n = values.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += values[i]! / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (values[i]! - m) ** 2 / (n - 1);
  return { mean: m, se: Math.sqrt(v / n) };
}

/** N(0, std^2 I), with its closed-form score or (`withoutScore`) the same prior with none: guidance then differentiates logProb. */
export function gaussianPrior(std: number, withoutScore: boolean): Distribution {
  const prior = new IsotropicGaussian({ std });
  if (!withoutScore) return prior;
  const bare = Object.create(prior) as Distribution;
  Object.defineProperty(bare, 'score', { value: undefined });
  return bare;
}
