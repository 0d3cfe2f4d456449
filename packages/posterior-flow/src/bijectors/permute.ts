import * as tf from '@tensorflow/tfjs-core';
import { ValidationError, checkPositiveInt } from '@ddvi/core';
import type { Bijector, ForwardResult, InverseResult } from './bijector';
import { checkBijectorInput } from './bijector';

/**
 * y[:, j] = x[:, permutation[j]]: reorders coordinates between autoregressive or coupling steps so
 * every dimension gets transformed conditioned on the others. Volume preserving (log |det| = 0).
 * Implemented as a product with a constant permutation matrix: `tf.gather` would need a gradient
 * with respect to its params, which the wasm backend lacks (docs/tfjs-traps.md).
 */
export class Permute implements Bijector {
  readonly size: number;
  readonly contextSize = 0;
  readonly hasInverse = true;
  readonly permutation: readonly number[];
  private readonly matrix: tf.Tensor2D;

  constructor(permutation: readonly number[], readonly name = 'Permute') {
    const d = permutation.length;
    checkPositiveInt(name, 'permutation.length', d);
    const sorted = [...permutation].sort((a, b) => a - b);
    if (!sorted.every((v, i) => v === i)) {
      throw new ValidationError(`${name}: permutation must be a permutation of 0..${d - 1}, got [${permutation.join(', ')}]`);
    }
    this.size = d;
    this.permutation = [...permutation];
    const m = new Float32Array(d * d);
    permutation.forEach((from, to) => (m[from * d + to] = 1));
    this.matrix = tf.tensor2d(m, [d, d]);
  }

  /** The permutation that reverses the coordinates (the reference IAF's flip between layers). */
  static reverse(size: number, name = 'Reverse'): Permute {
    checkPositiveInt(name, 'size', size);
    return new Permute(Array.from({ length: size }, (_, i) => size - 1 - i), name);
  }

  forward(x: tf.Tensor2D): ForwardResult {
    checkBijectorInput(this, 'x', x);
    return tf.tidy(() => ({ y: tf.matMul(x, this.matrix) as tf.Tensor2D, logDetJ: tf.zeros([x.shape[0]]) as tf.Tensor1D }));
  }

  inverse(y: tf.Tensor2D): InverseResult {
    checkBijectorInput(this, 'y', y);
    return tf.tidy(() => ({ x: tf.matMul(y, tf.transpose(this.matrix)) as tf.Tensor2D, logDetJ: tf.zeros([y.shape[0]]) as tf.Tensor1D }));
  }

  namedVariables(): Record<string, tf.Variable> {
    return {};
  }

  dispose(): void {
    this.matrix.dispose();
  }
}
