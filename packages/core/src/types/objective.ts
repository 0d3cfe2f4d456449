import type * as tf from '@tensorflow/tfjs-core';
import type { SeedStream } from '../random/seed_stream';
import type { Batch } from './dataset';
import type { Model } from './model';
import type { Posterior } from './posterior';

export interface ObjectiveContext {
  seed: SeedStream;
  training: boolean;
  /** 0-based epoch, for annealed weights. */
  epoch: number;
}

export interface ObjectiveResult {
  /** The scalar the optimizer minimizes (may weigh terms, e.g. a KL warm-up). */
  loss: tf.Scalar;
  /**
   * [batch] per-example lower bound on log p(x) in nats, unweighted; what reports quote. Absent when
   * the objective is not a bound (`Reconstruction`, for families without a tractable density):
   * reports then show "n/a", never a number.
   */
  bound?: tf.Tensor1D;
  /** Named batch-mean diagnostics (reconstruction, kl, ...), each a scalar. */
  terms: Record<string, tf.Scalar>;
}

/** A training or evaluation objective over (model, posterior, batch): ELBO, IWAE, ... */
export interface Objective {
  readonly name: string;
  compute(model: Model, posterior: Posterior, batch: Batch, context: ObjectiveContext): ObjectiveResult;
}
