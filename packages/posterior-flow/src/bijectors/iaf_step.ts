import * as tf from '@tensorflow/tfjs-core';
import { checkPositiveInt, invalid } from '@ddvi/core';
import type { SeedLike } from '@ddvi/core';
import { MADE } from '@ddvi/nn';
import type { MadeOrdering } from '@ddvi/nn';
import type { Bijector, ForwardResult, InverseResult } from './bijector';
import { checkBijectorInput, noInverse } from './bijector';
import { logSigmoid } from './bounded_scale';

export interface IAFStepOptions {
  size: number;
  /** MADE hidden widths (the reference: [128, 128, 128]). */
  hidden: number[];
  contextSize?: number;
  ordering?: MadeOrdering;
  /** Added to the gate's pre-activation; > 0 starts the step near the identity (default 0, the reference). */
  gateBias?: number;
  seed: SeedLike;
  name?: string;
}

/**
 * One inverse autoregressive flow step in the sigmoid-gated form of Kingma et al. 2016
 * (https://arxiv.org/abs/1606.04934) and the reference code: (s, t) = MADE(z, h), g = sigmoid(s),
 * z' = g*z + (1-g)*t, log |det J| = sum log g. The gate bounds every scale in (0, 1), so no input
 * can make it overflow; log g is computed as -softplus(-s), finite where sigmoid underflows.
 *
 * Sampling (`forward`) is one MADE pass. The inverse would take one pass per dimension and divide
 * by gates that can be ~0, so it is not offered (`hasInverse` false): IAF is for posteriors, whose
 * log-density is only ever needed at its own samples.
 */
export class IAFStep implements Bijector {
  readonly name: string;
  readonly size: number;
  readonly contextSize: number;
  readonly hasInverse = false;
  readonly gateBias: number;
  readonly made: MADE;

  constructor(options: IAFStepOptions) {
    this.name = options.name ?? 'IAFStep';
    this.size = checkPositiveInt(this.name, 'size', options.size);
    this.contextSize = options.contextSize ?? 0;
    this.gateBias = options.gateBias ?? 0;
    if (!Number.isFinite(this.gateBias)) invalid(this.name, 'gateBias', 'a finite number', this.gateBias);
    this.made = new MADE({
      inputSize: this.size, hidden: options.hidden, outputMultiplier: 2, contextSize: this.contextSize, ordering: options.ordering,
      seed: options.seed, name: `${this.name}.made`,
    });
  }

  forward(x: tf.Tensor2D, context?: tf.Tensor2D): ForwardResult {
    checkBijectorInput(this, 'x', x, context);
    return tf.tidy(() => {
      const [raw, t] = this.made.apply(x, context) as [tf.Tensor2D, tf.Tensor2D];
      const s = this.gateBias === 0 ? raw : tf.add(raw, this.gateBias);
      const g = tf.sigmoid(s);
      const y = tf.add(tf.mul(g, x), tf.mul(tf.sub(1, g), t)) as tf.Tensor2D;
      return { y, logDetJ: tf.sum(logSigmoid(s), 1) as tf.Tensor1D };
    });
  }

  inverse(): InverseResult {
    return noInverse(this.name, 'IAF inverts one dimension per MADE pass and divides by gates that may be ~0; sample with forward');
  }

  namedVariables(): Record<string, tf.Variable> {
    return Object.fromEntries(Object.entries(this.made.namedVariables()).map(([k, v]) => [`made.${k}`, v]));
  }

  dispose(): void {
    this.made.dispose();
  }
}
