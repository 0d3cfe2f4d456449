import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

describe('gradients of piecewise-constant ops', () => {
  it('flow through tf.where masks built with comparisons and logical ops (zero through the mask)', () => {
    const x = tf.tensor1d([-2, -0.5, 0.5, 2]);
    const f = (v: tf.Tensor) => {
      const mask = tf.logicalOr(tf.logicalAnd(tf.greater(v, -1), tf.less(v, 1)), tf.logicalNot(tf.notEqual(v, 2)));
      return tf.sum(tf.where(tf.logicalOr(mask, tf.equal(v, tf.cast(tf.lessEqual(v, 0), 'float32'))), tf.square(v), tf.mul(3, v)));
    };
    const g = tf.grad(f)(x).arraySync();
    // inside (-1, 1) or == 2: d/dv v^2 = 2v; elsewhere d/dv 3v = 3.
    expect(g).toEqual([3, -1, 1, 4]);
  });
});
