import * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from '../errors';
import type { Batch } from '../types/dataset';
import type { Model } from '../types/model';
import type { Objective, ObjectiveContext, ObjectiveResult } from '../types/objective';
import type { Posterior } from '../types/posterior';

export interface ReconstructionOptions {
  /**
   * 'likelihood' (default): loss = -mean log p(x | z) under the model's own likelihood, in nats per
   * datapoint (the reconstruction term of the ELBO). 'mse': the AAE reference's 0.5 * MSE between the
   * likelihood's mean and x, averaged over features and batch (it uses this even on MNIST, where the
   * model's likelihood is Bernoulli); the reported `reconstruction` term stays log p(x | z) either way.
   */
  loss?: 'likelihood' | 'mse';
}

/**
 * The main objective of families without a tractable density (the AAE): the reconstruction term
 * alone, E_q[log p(x | z)] with one sample. It is not a bound on log p(x), so the result has no
 * `bound` and no `bound` term; reports show density metrics as not applicable. The family's own
 * auxiliary losses (an adversary, ...) shape the latent space.
 */
export class Reconstruction implements Objective {
  readonly name = 'reconstruction';
  private readonly loss: 'likelihood' | 'mse';

  constructor(options: ReconstructionOptions = {}) {
    this.loss = options.loss ?? 'likelihood';
    if (this.loss !== 'likelihood' && this.loss !== 'mse') {
      throw new ValidationError(`Reconstruction: loss must be "likelihood" or "mse", got ${JSON.stringify(this.loss)}`);
    }
  }

  compute(model: Model, posterior: Posterior, batch: Batch, context: ObjectiveContext): ObjectiveResult {
    return tf.tidy(() => {
      const label = posterior.capabilities.supportsLabels ? batch.label : undefined;
      const q = posterior.sample(batch.x, { seed: context.seed, training: context.training, label });
      const likelihood = model.likelihood(q.z, { training: context.training, seed: context.seed });
      const reconstruction = tf.mean(likelihood.logProb(batch.x)) as tf.Scalar;
      const terms: Record<string, tf.Scalar> = { reconstruction };
      let loss: tf.Scalar;
      if (this.loss === 'mse') {
        terms.mse = tf.mean(tf.square(tf.sub(likelihood.mean(), batch.x))) as tf.Scalar;
        loss = tf.mul(0.5, terms.mse) as tf.Scalar;
      } else {
        loss = tf.neg(reconstruction) as tf.Scalar;
      }
      for (const [name, value] of Object.entries(q.diagnostics ?? {})) terms[name] = tf.mean(value) as tf.Scalar;
      return { loss, terms };
    });
  }
}
