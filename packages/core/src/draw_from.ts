import type * as tf from '@tensorflow/tfjs-core';
import type { SeedLike } from './random/seed_stream';
import type { Distribution } from './types/distribution';
import type { SampledDistribution } from './types/posterior';

/**
 * Draws z ~ q (reparameterized) and returns what a family whose q(z | x) is a known distribution
 * (mean-field) hands back from `sample`: `z`, `logQ` = log q(z), and `distribution`, which ties q to
 * that very z. This is the only way to make a `SampledDistribution`: objectives use q for a
 * closed-form KL only when the sample's `z` is the tensor drawn here, and reject a sample whose
 * `distribution` was drawn for another z (a flow that transforms its base draw: the flowed z is not
 * distributed as the base, so a KL against the base would be wrong; such a family returns no
 * `distribution`).
 *
 * @example
 * return tidy(() => drawFrom(new DiagNormal(mu, scale), options.seed));
 */
export function drawFrom(q: Distribution, seed: SeedLike): { z: tf.Tensor2D; logQ: tf.Tensor1D; distribution: SampledDistribution } {
  const z = q.rsample(seed) as tf.Tensor2D;
  const logQ = q.logProb(z) as tf.Tensor1D;
  return { z, logQ, distribution: { q, z } as SampledDistribution };
}
