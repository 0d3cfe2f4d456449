import * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from '../errors';
import type { Batch } from '../types/dataset';
import type { Model } from '../types/model';
import type { Objective, ObjectiveContext, ObjectiveResult } from '../types/objective';
import type { Posterior } from '../types/posterior';
import { sampleDraws, tileDraws } from '../draws';
import { requireDensity } from './elbo';

export interface IwaeOptions {
  /** Number of importance samples per datapoint (k = 1 is the ELBO). */
  k: number;
  /**
   * Samples evaluated per pass when not training, to bound memory for large k (k = 1000 for the
   * final tables); the log-weights are combined exactly afterwards. Default min(k, 64).
   */
  chunk?: number;
}

/**
 * The importance-weighted bound (Burda et al. 2016, https://arxiv.org/abs/1509.00519):
 *   log p(x) >= E[ log (1/k) sum_i p(x, z_i) / q(z_i | x) ],  z_i ~ q(z | x),
 * tighter as k grows, equal to the ELBO for k = 1. Needs `capabilities.supportsIWAE`.
 */
export class Iwae implements Objective {
  readonly name: string;
  readonly k: number;
  private readonly chunk: number;

  constructor(options: IwaeOptions) {
    const { k } = options;
    if (!Number.isInteger(k) || k < 1) {
      throw new ValidationError(`Iwae: k must be an integer >= 1, got ${k} (k = 1 gives the plain ELBO; see Elbo)`);
    }
    const chunk = options.chunk ?? Math.min(k, 64);
    if (!Number.isInteger(chunk) || chunk < 1) throw new ValidationError(`Iwae: chunk must be an integer >= 1, got ${chunk}`);
    this.k = k;
    this.chunk = Math.min(chunk, k);
    this.name = `iwae-${k}`;
  }

  compute(model: Model, posterior: Posterior, batch: Batch, context: ObjectiveContext): ObjectiveResult {
    requireDensity('Iwae', posterior);
    if (!posterior.capabilities.supportsIWAE) {
      throw new ValidationError(`Iwae: posterior family ${JSON.stringify(posterior.family)} does not support importance weighting`);
    }
    // Gradients need every sample in one graph; evaluation can stream chunks.
    const step = context.training ? this.k : this.chunk;
    return tf.tidy(() => {
      const parts: tf.Tensor2D[] = [];
      for (let done = 0; done < this.k; done += step) {
        const n = Math.min(step, this.k - done);
        parts.push(tf.tidy(() => logWeights(model, posterior, batch, context, n)));
      }
      const logW = parts.length === 1 ? parts[0]! : (tf.concat(parts, 0) as tf.Tensor2D);
      const bound = tf.sub(tf.logSumExp(logW, 0), Math.log(this.k)) as tf.Tensor1D;
      const loss = tf.neg(tf.mean(bound)) as tf.Scalar;
      return {
        loss,
        bound,
        terms: { bound: tf.mean(bound) as tf.Scalar, elbo: tf.mean(logW) as tf.Scalar },
      };
    });
  }
}

/** [n, batch] log p(x, z_i) - log q(z_i | x) for n samples per datapoint. */
function logWeights(model: Model, posterior: Posterior, batch: Batch, context: ObjectiveContext, n: number): tf.Tensor2D {
  const b = batch.x.shape[0];
  const label = posterior.capabilities.supportsLabels && batch.label ? batch.label : undefined;
  // The posterior runs its networks of x once per row where it can (Posterior.sampleDraws).
  const q = sampleDraws(posterior, batch.x, n, { seed: context.seed, training: context.training, label });
  const x = tileDraws(batch.x, n);
  const labels = label ? tileDraws(label, n) : undefined;
  const logLik = model.likelihood(q.z, { training: context.training, seed: context.seed }).logProb(x);
  const logW = tf.sub(tf.add(logLik, model.prior(labels).logProb(q.z)), q.logQ);
  return tf.reshape(logW, [n, b]);
}
