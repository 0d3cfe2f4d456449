import * as tf from '@tensorflow/tfjs-core';
import { DdviPosterior } from '../src';
import type { DdviPosteriorConfig } from '../src';
import type { Distribution } from '@ddvi/core';

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
