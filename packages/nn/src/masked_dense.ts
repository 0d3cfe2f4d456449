import * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from '@ddvi/core';
import type { LayerActivation } from './activation';
import { Dense, checkInput, denseForward } from './dense';
import type { DenseOptions } from './dense';

/**
 * A Dense layer whose weight is multiplied by a fixed 0/1 mask [inputSize, outputSize] on every
 * call, so masked-out connections carry neither signal nor gradient (MADE's building block). The
 * mask is a constant, not a variable: it is rebuilt from the owner's seed, never trained or saved.
 */
export class MaskedDense {
  readonly dense: Dense;
  readonly mask: tf.Tensor2D;

  constructor(options: DenseOptions & { mask: Float32Array }) {
    this.dense = new Dense(options);
    const { inputSize, outputSize, name } = this.dense.config;
    if (!(options.mask instanceof Float32Array) || options.mask.length !== inputSize * outputSize) {
      this.dense.dispose();
      throw new ValidationError(`${name}: mask must be a Float32Array of ${inputSize} x ${outputSize} = ${inputSize * outputSize} entries`);
    }
    this.mask = tf.tensor2d(options.mask, [inputSize, outputSize]);
  }

  /** x (W * mask) + b, then the activation. */
  apply(x: tf.Tensor, activation: LayerActivation = 'linear'): tf.Tensor2D {
    const { name, inputSize } = this.dense.config;
    if (this.dense.isDisposed) throw new ValidationError(`${name}: used after dispose()`);
    checkInput(name, x, inputSize);
    return tf.tidy(() => denseForward(x as tf.Tensor2D, tf.mul(this.dense.weight, this.mask), this.dense.bias, activation));
  }

  /** The raw (unmasked) variables; masked entries are initialized but never receive gradient. */
  namedVariables(): Record<string, tf.Variable> {
    return this.dense.namedVariables();
  }

  /** Number of connections the mask lets through. */
  get numConnections(): number {
    return tf.tidy(() => tf.sum(this.mask).dataSync()[0]!);
  }

  dispose(): void {
    this.dense.dispose();
    this.mask.dispose();
  }
}
