import type * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from '@ddvi/core';

/** A bijector's forward pass: y = f(x) and log |det df/dx| per example. */
export interface ForwardResult {
  /** [batch, size] */
  y: tf.Tensor2D;
  /** [batch]: log |det J_f(x)| of each row. */
  logDetJ: tf.Tensor1D;
}

/** A bijector's inverse pass: x = f^{-1}(y) and log |det df^{-1}/dy| (= -log |det J_f(x)|). */
export interface InverseResult {
  /** [batch, size] */
  x: tf.Tensor2D;
  /** [batch]: log |det J_{f^{-1}}(y)| of each row. */
  logDetJ: tf.Tensor1D;
}

/**
 * An invertible map f: R^size -> R^size applied row by row, optionally conditioned on a context
 * vector per row (the encoder's h), in TensorFlow Probability's convention: `forward` goes from
 * the base (noise) side to the sample side, so a flow posterior samples with `forward`. Both
 * directions return the value with its per-example log |det J|, computed in the same pass.
 *
 * `inverse` exists where it is cheap (`hasInverse`); where it is not (IAF: sequential over the
 * dimensions and divides by gates that may be ~0) it throws a ValidationError naming the bijector.
 */
export interface Bijector {
  readonly name: string;
  /** Event size d: inputs and outputs are [batch, d]. */
  readonly size: number;
  /** Width of the per-row context it is conditioned on; 0 when unconditional. */
  readonly contextSize: number;
  readonly hasInverse: boolean;
  forward(x: tf.Tensor2D, context?: tf.Tensor2D): ForwardResult;
  inverse(y: tf.Tensor2D, context?: tf.Tensor2D): InverseResult;
  /** Trainable variables by stable name (empty for fixed bijectors). */
  namedVariables(): Record<string, tf.Variable>;
  dispose(): void;
}

/** Checks a bijector's input [batch, size] and, when it takes one, its context [batch, contextSize]. */
export function checkBijectorInput(b: Bijector, param: 'x' | 'y', value: tf.Tensor, context?: tf.Tensor): void {
  if (value.rank !== 2 || value.shape[1] !== b.size) {
    throw new ValidationError(`${b.name}: ${param} must have shape [batch, ${b.size}], got [${value.shape.join(', ')}]`);
  }
  if (b.contextSize === 0) return;
  if (context === undefined) throw new ValidationError(`${b.name}: context of shape [batch, ${b.contextSize}] is required`);
  if (context.rank !== 2 || context.shape[1] !== b.contextSize || context.shape[0] !== value.shape[0]) {
    throw new ValidationError(
      `${b.name}: context must have shape [${value.shape[0]}, ${b.contextSize}] (one row per row of ${param}), got [${context.shape.join(', ')}]`,
    );
  }
}

/** The error of a bijector whose inverse is not available in closed form or in one pass. */
export function noInverse(name: string, why: string): never {
  throw new ValidationError(`${name}: inverse is not available (${why})`);
}
