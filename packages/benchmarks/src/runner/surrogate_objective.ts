import * as tf from '@tensorflow/tfjs-core';
import { Elbo } from '@ddvi/core';
import type { Batch, Model, Objective, ObjectiveContext, ObjectiveResult, Posterior, Weight } from '@ddvi/core';

/**
 * The training objective of a family without a tractable density: the reconstruction, plus the
 * family's own regularizer when its sample supplies a `surrogate` (DDVI's deterministic reference
 * chain, `reverseVariance: 'none'`, trains on KL(q(y_T | x) || N(0, I)) - log p(z) and its Huber
 * wake term, spec §4.2), weighed by beta as in `Elbo`:
 *   -log p(x | z) + beta * (surrogate.logQ - log p(z)) + surrogate.penalty.
 * A family without a surrogate (the AAE) gets exactly `Reconstruction`'s loss, and the name stays
 * 'reconstruction' so its checkpoints resume as before. There is no bound: the result has none, and
 * reports show n/a (spec D4).
 */
export class SurrogateReconstruction implements Objective {
  readonly name = 'reconstruction';
  private readonly beta: Weight;

  constructor(options: { beta?: Weight } = {}) {
    this.beta = options.beta ?? 1;
  }

  compute(model: Model, posterior: Posterior, batch: Batch, context: ObjectiveContext): ObjectiveResult {
    const beta = typeof this.beta === 'number' ? this.beta : this.beta(context.epoch);
    return tf.tidy(() => {
      const label = posterior.capabilities.supportsLabels ? batch.label : undefined;
      const q = posterior.sample(batch.x, { seed: context.seed, training: context.training, label });
      const logLik = model.likelihood(q.z, { training: context.training, seed: context.seed }).logProb(batch.x);
      const reconstruction = tf.mean(logLik) as tf.Scalar;
      const terms: Record<string, tf.Scalar> = { reconstruction };
      let loss = tf.neg(reconstruction) as tf.Scalar;
      if (context.training && q.surrogate) {
        const trainKl = tf.sub(q.surrogate.logQ, model.prior(label).logProb(q.z));
        terms['surrogateKl'] = tf.mean(trainKl) as tf.Scalar;
        terms['surrogatePenalty'] = tf.mean(q.surrogate.penalty) as tf.Scalar;
        loss = tf.add(tf.add(loss, tf.mul(beta, terms['surrogateKl'])), terms['surrogatePenalty']) as tf.Scalar;
      }
      for (const [name, value] of Object.entries(q.diagnostics ?? {})) terms[name] = tf.mean(value) as tf.Scalar;
      return { loss, terms };
    });
  }
}

/** A cell's training objective from the family's capabilities: the ELBO with a density, else SurrogateReconstruction. */
export function trainingObjective(posterior: Posterior, beta: Weight): Objective {
  return posterior.capabilities.hasDensity ? new Elbo({ beta }) : new SurrogateReconstruction({ beta });
}
