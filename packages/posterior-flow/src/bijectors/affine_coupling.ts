import * as tf from '@tensorflow/tfjs-core';
import { ValidationError, checkPositive, checkPositiveInt, invalid } from '@ddvi/core';
import type { SeedLike } from '@ddvi/core';
import { MLP } from '@ddvi/nn';
import type { Bijector, ForwardResult, InverseResult } from './bijector';
import { checkBijectorInput } from './bijector';
import { softClamp } from './bounded_scale';

export interface AffineCouplingOptions {
  size: number;
  /** 0/1 per dimension: 1 = passed through and conditioned on, 0 = transformed. */
  mask: readonly number[];
  /** Hidden widths of the network that maps the kept half (and context) to shift and log-scale. */
  hidden: number[];
  contextSize?: number;
  /** Log-scales are soft-clamped to +-scaleBound (default 3). */
  scaleBound?: number;
  seed: SeedLike;
  name?: string;
}

/**
 * RealNVP's affine coupling layer (Dinh et al. 2017, https://arxiv.org/abs/1605.08803): with b the
 * 0/1 mask, y = b*x + (1-b)*(x*exp(s) + t), where (s, t) = net(b*x, context). The kept half
 * passes unchanged, so both directions take one pass and log |det J| = sum (1-b)*s.
 * s = scaleBound * tanh(raw / scaleBound) keeps every scale in [e^-bound, e^bound].
 */
export class AffineCoupling implements Bijector {
  readonly name: string;
  readonly size: number;
  readonly contextSize: number;
  readonly hasInverse = true;
  readonly scaleBound: number;
  readonly net: MLP;
  private readonly keep: tf.Tensor1D;
  private readonly change: tf.Tensor1D;

  constructor(options: AffineCouplingOptions) {
    this.name = options.name ?? 'AffineCoupling';
    this.size = checkPositiveInt(this.name, 'size', options.size);
    const mask = options.mask;
    if (!Array.isArray(mask) || mask.length !== this.size || !mask.every((m) => m === 0 || m === 1)) {
      invalid(this.name, 'mask', `an array of ${this.size} zeros and ones`, mask);
    }
    if (!mask.includes(0)) throw new ValidationError(`${this.name}: mask must leave at least one dimension (a 0) to transform, got [${mask.join(', ')}]`);
    this.contextSize = options.contextSize ?? 0;
    if (!Number.isInteger(this.contextSize) || this.contextSize < 0) invalid(this.name, 'contextSize', 'an integer >= 0', this.contextSize);
    this.scaleBound = checkPositive(this.name, 'scaleBound', options.scaleBound ?? 3);
    this.net = new MLP({
      inputSize: this.size + this.contextSize, hidden: options.hidden, outputs: [this.size, this.size], activation: 'relu',
      seed: options.seed, name: `${this.name}.net`,
    });
    this.keep = tf.tensor1d([...mask]);
    this.change = tf.tensor1d(mask.map((m) => 1 - m));
  }

  forward(x: tf.Tensor2D, context?: tf.Tensor2D): ForwardResult {
    checkBijectorInput(this, 'x', x, context);
    return tf.tidy(() => {
      const kept = tf.mul(x, this.keep) as tf.Tensor2D;
      const { s, t } = this.params(kept, context);
      const y = tf.add(kept, tf.mul(this.change, tf.add(tf.mul(x, tf.exp(s)), t))) as tf.Tensor2D;
      return { y, logDetJ: tf.sum(tf.mul(this.change, s), 1) as tf.Tensor1D };
    });
  }

  inverse(y: tf.Tensor2D, context?: tf.Tensor2D): InverseResult {
    checkBijectorInput(this, 'y', y, context);
    return tf.tidy(() => {
      const kept = tf.mul(y, this.keep) as tf.Tensor2D;
      const { s, t } = this.params(kept, context);
      const x = tf.add(kept, tf.mul(this.change, tf.mul(tf.sub(y, t), tf.exp(tf.neg(s))))) as tf.Tensor2D;
      return { x, logDetJ: tf.neg(tf.sum(tf.mul(this.change, s), 1)) as tf.Tensor1D };
    });
  }

  namedVariables(): Record<string, tf.Variable> {
    return Object.fromEntries(Object.entries(this.net.namedVariables()).map(([k, v]) => [`net.${k}`, v]));
  }

  dispose(): void {
    this.net.dispose();
    tf.dispose([this.keep, this.change]);
  }

  private params(kept: tf.Tensor2D, context?: tf.Tensor2D): { s: tf.Tensor; t: tf.Tensor } {
    const input = this.contextSize > 0 ? tf.concat([kept, context!], 1) : kept;
    const [raw, t] = this.net.apply(input) as [tf.Tensor2D, tf.Tensor2D];
    return { s: softClamp(raw, this.scaleBound), t };
  }
}
