import * as tf from '@tensorflow/tfjs-core';
import { ValidationError, checkPositiveInt, toSeedStream } from '@ddvi/core';
import type { SeedLike } from '@ddvi/core';
import type { Bijector } from './bijectors/bijector';
import { standardNormalLogProb } from './normal_log_prob';

/**
 * A normalizing flow density p(y | context): y = f(u, context) with u ~ N(0, I) and f a bijector
 * (forward = base -> sample). `logProb` needs f's inverse in one pass (RealNVP, MAF, permutations);
 * `sample` needs the forward pass (sequential over dimensions for MAF). Owns the bijector.
 *
 * @example
 * const flow = new FlowDistribution(new Chain([new MAFStep({ size: 2, hidden: [64, 64], seed: 1 }), Permute.reverse(2)]));
 * const nll = tf.neg(tf.mean(flow.logProb(data)));
 */
export class FlowDistribution {
  constructor(readonly bijector: Bijector) {}

  get size(): number {
    return this.bijector.size;
  }

  /** log p(y) = log N(f^{-1}(y)) + log |det J_{f^{-1}}(y)|, per row: [batch]. */
  logProb(y: tf.Tensor2D, context?: tf.Tensor2D): tf.Tensor1D {
    if (!this.bijector.hasInverse) {
      throw new ValidationError(`FlowDistribution.logProb: ${this.bijector.name} has no cheap inverse; evaluate densities at samples with sampleAndLogProb`);
    }
    return tf.tidy(() => {
      const { x, logDetJ } = this.bijector.inverse(y, context);
      return tf.add(standardNormalLogProb(x), logDetJ) as tf.Tensor1D;
    });
  }

  /** n draws with their exact log-densities, via the forward pass only (works for IAF too). */
  sampleAndLogProb(n: number, seed: SeedLike, context?: tf.Tensor2D): { y: tf.Tensor2D; logProb: tf.Tensor1D } {
    checkPositiveInt('FlowDistribution.sample', 'n', n);
    return tf.tidy(() => {
      const u = tf.randomNormal([n, this.size], 0, 1, 'float32', toSeedStream(seed).next()) as tf.Tensor2D;
      const { y, logDetJ } = this.bijector.forward(u, context);
      return { y, logProb: tf.sub(standardNormalLogProb(u), logDetJ) as tf.Tensor1D };
    });
  }

  namedVariables(): Record<string, tf.Variable> {
    return this.bijector.namedVariables();
  }

  dispose(): void {
    this.bijector.dispose();
  }
}
