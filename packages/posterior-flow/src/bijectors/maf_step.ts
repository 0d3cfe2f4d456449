import * as tf from '@tensorflow/tfjs-core';
import { checkPositive, checkPositiveInt } from '@ddvi/core';
import type { SeedLike } from '@ddvi/core';
import { MADE } from '@ddvi/nn';
import type { MadeOrdering } from '@ddvi/nn';
import type { Bijector, ForwardResult, InverseResult } from './bijector';
import { checkBijectorInput } from './bijector';
import { softClamp } from './bounded_scale';

export interface MAFStepOptions {
  size: number;
  /** MADE hidden widths. */
  hidden: number[];
  contextSize?: number;
  ordering?: MadeOrdering;
  /** Log-scales are soft-clamped to +-scaleBound (default 3). */
  scaleBound?: number;
  seed: SeedLike;
  name?: string;
}

/**
 * One masked autoregressive flow step (Papamakarios et al. 2017, https://arxiv.org/abs/1705.07057),
 * affine and autoregressive in the density direction: with (mu, a) = MADE(y, context) and
 * alpha = softClamp(a), y_i = u_i * exp(alpha_i(y_<i)) + mu_i(y_<i).
 *
 * - `inverse` (y -> u, density evaluation) is one MADE pass: u = (y - mu(y)) * exp(-alpha(y)).
 * - `forward` (u -> y, sampling) is sequential: each MADE pass fixes one more dimension in the
 *   ordering, so it costs `size` passes. After pass k the first k dimensions of the ordering are
 *   exact, hence after `size` passes all are, and the last pass's alpha is the exact log-scale.
 */
export class MAFStep implements Bijector {
  readonly name: string;
  readonly size: number;
  readonly contextSize: number;
  readonly hasInverse = true;
  readonly scaleBound: number;
  readonly made: MADE;

  constructor(options: MAFStepOptions) {
    this.name = options.name ?? 'MAFStep';
    this.size = checkPositiveInt(this.name, 'size', options.size);
    this.contextSize = options.contextSize ?? 0;
    this.scaleBound = checkPositive(this.name, 'scaleBound', options.scaleBound ?? 3);
    this.made = new MADE({
      inputSize: this.size, hidden: options.hidden, outputMultiplier: 2, contextSize: this.contextSize, ordering: options.ordering,
      seed: options.seed, name: `${this.name}.made`,
    });
  }

  forward(u: tf.Tensor2D, context?: tf.Tensor2D): ForwardResult {
    checkBijectorInput(this, 'x', u, context);
    return tf.tidy(() => {
      let y = tf.zerosLike(u) as tf.Tensor2D;
      let alpha: tf.Tensor = tf.zerosLike(u);
      for (let pass = 0; pass < this.size; pass++) {
        const p = this.params(y, context);
        alpha = p.alpha;
        y = tf.add(tf.mul(u, tf.exp(alpha)), p.mu) as tf.Tensor2D;
      }
      return { y, logDetJ: tf.sum(alpha, 1) as tf.Tensor1D };
    });
  }

  inverse(y: tf.Tensor2D, context?: tf.Tensor2D): InverseResult {
    checkBijectorInput(this, 'y', y, context);
    return tf.tidy(() => {
      const { mu, alpha } = this.params(y, context);
      const x = tf.mul(tf.sub(y, mu), tf.exp(tf.neg(alpha))) as tf.Tensor2D;
      return { x, logDetJ: tf.neg(tf.sum(alpha, 1)) as tf.Tensor1D };
    });
  }

  namedVariables(): Record<string, tf.Variable> {
    return Object.fromEntries(Object.entries(this.made.namedVariables()).map(([k, v]) => [`made.${k}`, v]));
  }

  dispose(): void {
    this.made.dispose();
  }

  private params(y: tf.Tensor2D, context?: tf.Tensor2D): { mu: tf.Tensor; alpha: tf.Tensor } {
    const [mu, a] = this.made.apply(y, context) as [tf.Tensor2D, tf.Tensor2D];
    return { mu, alpha: softClamp(a, this.scaleBound) };
  }
}
