import * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from '@ddvi/core';
import type { Bijector, ForwardResult, InverseResult } from './bijector';
import { checkBijectorInput, noInverse } from './bijector';

/**
 * Composition f = f_n o ... o f_1 of `bijectors` (applied first to last in `forward`, last to
 * first in `inverse`), accumulating log |det J| along the way so no step runs twice. All steps
 * share one event size and receive the same context (steps without context ignore it).
 */
export class Chain implements Bijector {
  readonly size: number;
  readonly contextSize: number;
  readonly hasInverse: boolean;

  constructor(
    readonly bijectors: readonly Bijector[],
    readonly name = 'Chain',
  ) {
    if (bijectors.length === 0) throw new ValidationError(`${name}: bijectors must be a non-empty array`);
    this.size = bijectors[0]!.size;
    const sizes = bijectors.map((b) => b.size);
    if (sizes.some((s) => s !== this.size)) {
      throw new ValidationError(`${name}: every bijector must have the same size, got [${sizes.join(', ')}] (${bijectors.map((b) => b.name).join(', ')})`);
    }
    const contexts = [...new Set(bijectors.map((b) => b.contextSize).filter((c) => c > 0))];
    if (contexts.length > 1) throw new ValidationError(`${name}: conditioned bijectors must share one contextSize, got [${contexts.join(', ')}]`);
    this.contextSize = contexts[0] ?? 0;
    this.hasInverse = bijectors.every((b) => b.hasInverse);
  }

  forward(x: tf.Tensor2D, context?: tf.Tensor2D): ForwardResult {
    checkBijectorInput(this, 'x', x, context);
    return tf.tidy(() => {
      let y = x;
      let logDetJ = tf.zeros([x.shape[0]]) as tf.Tensor1D;
      for (const b of this.bijectors) {
        const r = b.forward(y, b.contextSize > 0 ? context : undefined);
        y = r.y;
        logDetJ = tf.add(logDetJ, r.logDetJ);
      }
      return { y, logDetJ };
    });
  }

  inverse(y: tf.Tensor2D, context?: tf.Tensor2D): InverseResult {
    checkBijectorInput(this, 'y', y, context);
    const missing = this.bijectors.filter((b) => !b.hasInverse).map((b) => b.name);
    if (missing.length) noInverse(this.name, `no cheap inverse for ${missing.join(', ')}`);
    return tf.tidy(() => {
      let x = y;
      let logDetJ = tf.zeros([y.shape[0]]) as tf.Tensor1D;
      for (const b of [...this.bijectors].reverse()) {
        const r = b.inverse(x, b.contextSize > 0 ? context : undefined);
        x = r.x;
        logDetJ = tf.add(logDetJ, r.logDetJ);
      }
      return { x, logDetJ };
    });
  }

  /** Each step's variables prefixed by its position: `0.made.layer0.weight`, ... */
  namedVariables(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    this.bijectors.forEach((b, i) => {
      for (const [k, v] of Object.entries(b.namedVariables())) out[`${i}.${k}`] = v;
    });
    return out;
  }

  dispose(): void {
    for (const b of this.bijectors) b.dispose();
  }
}
