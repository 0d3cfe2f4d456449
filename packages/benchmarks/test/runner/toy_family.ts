import * as tf from '@tensorflow/tfjs-core';
import { LOG_2PI, posteriorFromState, posteriorToJSON, registerPosterior } from '@ddvi/core';
import type { AuxiliaryLoss, Posterior, PosteriorCapabilities, PosteriorSample, SampleOptions, SerializedModule } from '@ddvi/core';

export const TOY_FAMILY = 'toy-linear-gaussian';

/**
 * A posterior family defined outside @ddvi/benchmarks: q(z|x) = N(Wx + b, diag(exp(2 (Vx + c)))),
 * one linear layer, registered under TOY_FAMILY. The runner must pick it up through the registry.
 */
export class ToyLinearGaussian implements Posterior {
  readonly family = TOY_FAMILY;
  readonly capabilities: PosteriorCapabilities = { hasDensity: true, supportsIWAE: true, supportsLabels: false };
  private readonly vars: Record<string, tf.Variable>;

  constructor(
    readonly latentSize: number,
    readonly dataSize: number,
    private readonly seed: number,
  ) {
    this.vars = {
      w: tf.variable(tf.mul(tf.randomNormal([dataSize, 2 * latentSize], 0, 1, 'float32', seed), 0.1), true, `${TOY_FAMILY}/w`),
      b: tf.variable(tf.zeros([2 * latentSize]), true, `${TOY_FAMILY}/b`),
    };
  }

  sample(x: tf.Tensor2D, options: SampleOptions): PosteriorSample {
    return tf.tidy(() => {
      const out = tf.add(tf.matMul(x, this.vars.w!), this.vars.b!);
      const [mu, logSigma] = tf.split(out, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      const eps = tf.randomNormal(mu.shape, 0, 1, 'float32', options.seed.next());
      const z = tf.add(mu, tf.mul(tf.exp(logSigma), eps)) as tf.Tensor2D;
      const logQ = tf.sum(tf.sub(tf.mul(-0.5, tf.square(eps)), tf.add(logSigma, 0.5 * LOG_2PI)), 1) as tf.Tensor1D;
      return { z, logQ };
    });
  }

  auxiliaryLosses(): AuxiliaryLoss[] {
    return [];
  }

  namedVariables(): Record<string, tf.Variable> {
    return this.vars;
  }

  toJSON(): SerializedModule {
    return posteriorToJSON(this, this.seed, {});
  }

  dispose(): void {
    for (const v of Object.values(this.vars)) v.dispose();
  }
}

export function registerToyFamily(): void {
  registerPosterior({
    family: TOY_FAMILY,
    description: 'test-only linear Gaussian encoder',
    create: (init) => new ToyLinearGaussian(init.latentSize, init.dataSize, init.seed),
    fromJSON: (state) => posteriorFromState(TOY_FAMILY, state, (s) => new ToyLinearGaussian(s.latentSize, s.dataSize, s.seed)),
  });
}
