import * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from '../errors';
import { klDivergence } from '../kl';
import type { Batch } from '../types/dataset';
import type { Model } from '../types/model';
import type { Objective, ObjectiveContext, ObjectiveResult } from '../types/objective';
import type { Posterior } from '../types/posterior';

export type Weight = number | ((epoch: number) => number);

export interface ElboOptions {
  /**
   * Weight of the regularizer (KL or log q - log p) in the training loss; the reported bound always
   * uses 1. A function of the epoch gives a warm-up schedule (see `linearWarmup`).
   */
  beta?: Weight;
  /** Use a registered closed-form KL(q || p) when the family exposes q and one exists (default true). */
  analyticKl?: boolean;
}

/**
 * The evidence lower bound, in nats per datapoint:
 *   log p(x) >= E_q[log p(x|z)] - KL(q(z|x) || p(z)),
 * estimated with one reparameterized sample; the KL is closed-form when registered for the pair,
 * otherwise the Monte Carlo term log q(z|x) - log p(z). For auxiliary-variable families (DDVI)
 * `logQ` is already the auxiliary log-ratio, so the same estimator is their bound.
 *
 * When training and the family supplies a `surrogate` (DDVI's wake term), the loss is
 *   -log p(x|z) + beta * (surrogate.logQ - log p(z)) + surrogate.penalty
 * while `bound` is still the exact estimate above.
 */
export class Elbo implements Objective {
  readonly name = 'elbo';
  private readonly beta: Weight;
  private readonly analyticKl: boolean;

  constructor(options: ElboOptions = {}) {
    this.beta = options.beta ?? 1;
    this.analyticKl = options.analyticKl ?? true;
    if (typeof this.beta === 'number' && !(this.beta >= 0 && Number.isFinite(this.beta))) {
      throw new ValidationError(`Elbo: beta must be a finite number >= 0, got ${this.beta}`);
    }
  }

  compute(model: Model, posterior: Posterior, batch: Batch, context: ObjectiveContext): ObjectiveResult {
    requireDensity(this.constructor.name, posterior);
    const beta = typeof this.beta === 'number' ? this.beta : this.beta(context.epoch);
    return tf.tidy(() => {
      const label = posterior.capabilities.supportsLabels ? batch.label : undefined;
      const q = posterior.sample(batch.x, { seed: context.seed, training: context.training, label });
      const logLik = model.likelihood(q.z, { training: context.training, seed: context.seed }).logProb(batch.x) as tf.Tensor1D;
      const prior = model.prior(label);
      if (q.distribution !== undefined && q.distribution.z !== q.z) {
        throw new ValidationError(
          `Elbo: the ${posterior.family} posterior's sample has a distribution that was drawn for another z (drawFrom(q, seed).z is not sample.z); ` +
            'a family whose z is not a draw of q (e.g. a flow that transforms its base sample) must leave distribution out, or a closed-form KL would be wrong',
        );
      }
      const closed = this.analyticKl && q.distribution ? klDivergence(q.distribution.q, prior) : undefined;
      const kl = (closed ?? tf.sub(q.logQ, prior.logProb(q.z))) as tf.Tensor1D;
      const bound = tf.sub(logLik, kl) as tf.Tensor1D;
      const terms: Record<string, tf.Scalar> = {
        bound: tf.mean(bound) as tf.Scalar,
        reconstruction: tf.mean(logLik) as tf.Scalar,
        kl: tf.mean(kl) as tf.Scalar,
      };
      let loss: tf.Scalar;
      if (context.training && q.surrogate) {
        // The family's training signal (spec D3); the reported bound above stays exact.
        const trainKl = tf.sub(q.surrogate.logQ, prior.logProb(q.z));
        loss = tf.add(tf.neg(tf.sub(tf.mean(logLik), tf.mul(beta, tf.mean(trainKl)))), tf.mean(q.surrogate.penalty)) as tf.Scalar;
        terms['surrogateKl'] = tf.mean(trainKl) as tf.Scalar;
        terms['surrogatePenalty'] = tf.mean(q.surrogate.penalty) as tf.Scalar;
      } else {
        loss = tf.neg(tf.sub(tf.mean(logLik), tf.mul(beta, tf.mean(kl)))) as tf.Scalar;
      }
      for (const [name, value] of Object.entries(q.diagnostics ?? {})) terms[name] = tf.mean(value) as tf.Scalar;
      return { loss, bound, terms };
    });
  }
}

export function requireDensity(objective: string, posterior: Posterior): void {
  if (!posterior.capabilities.hasDensity) {
    throw new ValidationError(
      `${objective}: posterior family ${JSON.stringify(posterior.family)} has no tractable density ` +
        '(capabilities.hasDensity = false), so a likelihood bound is undefined for it; train it with its own losses and report non-density metrics',
    );
  }
}

/** beta rises linearly from 0 to `target` over `epochs` epochs, then stays (the reference's KL warm-up). */
export function linearWarmup(target: number, epochs: number): (epoch: number) => number {
  if (!(epochs > 0)) throw new ValidationError(`linearWarmup: epochs must be > 0, got ${epochs}`);
  return (epoch) => (epoch < epochs ? (target * epoch) / epochs : target);
}
