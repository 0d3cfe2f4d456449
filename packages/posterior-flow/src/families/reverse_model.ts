import * as tf from '@tensorflow/tfjs-core';
import { MLP } from '@ddvi/nn';
import { reparameterizedNormalLogProb } from '../normal_log_prob';

/**
 * A learned auxiliary reverse model r(z1 | input) = N(mu(input), diag sigma(input)^2), sigma =
 * softplus + minScale, for H-IAF's auxiliary bound. Any normalized r keeps the bound valid; a
 * better one makes it tighter.
 */
export class ReverseModel {
  private readonly net: MLP;

  constructor(inputSize: number, latentSize: number, hidden: number[], private readonly minScale: number, seed: number) {
    this.net = new MLP({ inputSize, hidden, outputs: [latentSize, latentSize], seed, name: 'reverse' });
  }

  /** log r(z1 | input) per row. */
  logProb(z1: tf.Tensor2D, input: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const [mu, s] = this.net.apply(input) as [tf.Tensor2D, tf.Tensor2D];
      const sigma = tf.add(tf.softplus(s), Math.max(this.minScale, 1e-6)) as tf.Tensor2D;
      const eps = tf.div(tf.sub(z1, mu), sigma) as tf.Tensor2D;
      return reparameterizedNormalLogProb(eps, sigma);
    });
  }

  namedVariables(): Record<string, tf.Variable> {
    return this.net.namedVariables();
  }

  dispose(): void {
    this.net.dispose();
  }
}
