import type * as tf from '@tensorflow/tfjs-core';
import type { SeedLike } from '../random/seed_stream';

/**
 * The contract every distribution meets (the base class with shape and support checks lives in
 * `@ddvi/distributions`; core only needs the shape of the thing).
 *
 * Shapes follow TFP / Pyro: `sample(seed, sampleShape)` has shape
 * `[...sampleShape, ...batchShape, ...eventShape]`, and `logProb(value)` sums over the event
 * dimensions, returning `[...sampleShape, ...batchShape]`.
 */
export interface Distribution {
  readonly name: string;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  /** Whether `rsample` gives samples differentiable with respect to the parameters. */
  readonly reparameterized: boolean;
  sample(seed: SeedLike, sampleShape?: readonly number[]): tf.Tensor;
  rsample(seed: SeedLike, sampleShape?: readonly number[]): tf.Tensor;
  logProb(value: tf.Tensor): tf.Tensor;
  mean(): tf.Tensor;
  /** Closed-form entropy, when one exists. */
  entropy?(): tf.Tensor;
  /**
   * grad log p at `value` (same shape), where the distribution computes it more cheaply or more
   * exactly than autodiff of `logProb`; a constant (no gradient). Absent: callers differentiate logProb.
   */
  score?(value: tf.Tensor): tf.Tensor;
}
