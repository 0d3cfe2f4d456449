import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '@ddvi/core';
import { MADE, madeDegrees } from '../src';

/** d(output block b, dim i)/d(input j) for one row, from d gradient calls. */
function dependence(made: MADE, x: tf.Tensor2D, block: number, context?: tf.Tensor2D): number[][] {
  const d = x.shape[1];
  return Array.from({ length: d }, (_, i) =>
    tf.tidy(() => {
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.slice(made.apply(v, context)[block]!, [0, i], [-1, 1])))(x);
      return Array.from(tf.sum(tf.abs(g), 0).dataSync());
    }),
  );
}

describe('MADE', () => {
  it('makes output dimension i depend only on inputs earlier in the ordering, in every block', () => {
    for (const [d, ordering] of [[2, 'natural'], [3, 'random'], [5, 'random']] as const) {
      const made = new MADE({ inputSize: d, hidden: [16, 16], outputMultiplier: 2, ordering, seed: 4 });
      const order = made.config.ordering;
      const x = tf.randomNormal([6, d], 0, 1, 'float32', 1) as tf.Tensor2D;
      for (const block of [0, 1]) {
        const dep = dependence(made, x, block);
        for (let i = 0; i < d; i++) {
          for (let j = 0; j < d; j++) {
            if (order[j]! >= order[i]!) expect(dep[i]![j]).toBe(0);
          }
        }
        // The last dimension in the ordering sees at least one earlier input.
        const last = order.indexOf(d);
        expect(dep[last]!.some((v) => v > 0)).toBe(true);
      }
      x.dispose();
      made.dispose();
    }
  });

  it('feeds the context into every output that has hidden inputs, and checks its shape', () => {
    const made = new MADE({ inputSize: 3, hidden: [8], outputMultiplier: 2, contextSize: 4, seed: 2 });
    const x = tf.randomNormal([5, 3], 0, 1, 'float32', 3) as tf.Tensor2D;
    const c = tf.randomNormal([5, 4], 0, 1, 'float32', 5) as tf.Tensor2D;
    const g = tf.tidy(() => tf.sum(tf.abs(tf.grad((v: tf.Tensor) => tf.sum(made.apply(x, v)[1]!))(c))).dataSync()[0]!);
    expect(g).toBeGreaterThan(0);
    expect(() => made.apply(x)).toThrow(/context of shape \[batch, 4\]/);
    expect(() => made.apply(x, tf.zeros([5, 3]))).toThrow(/shape \[batch, 4\]/);
    expect(() => made.apply(x, tf.zeros([4, 4]))).toThrow(/\[5, 4\]/);
    tf.dispose([x, c]);
    made.dispose();
  });

  it('derives the same masks from the same seed and validates its options', () => {
    const a = madeDegrees('t', 5, [7, 7], 'random', 9);
    expect(madeDegrees('t', 5, [7, 7], 'random', 9)).toEqual(a);
    expect([...a.input].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(a.hidden.flat().every((v) => v >= 1 && v <= 4)).toBe(true);
    const m1 = new MADE({ inputSize: 3, hidden: [4], outputMultiplier: 1, seed: 1 });
    const m2 = MADE.fromConfig(m1.config);
    expect(m2.config).toEqual(m1.config);
    expect(Object.keys(m1.namedVariables())).toEqual(['layer0.weight', 'layer0.bias', 'output.weight', 'output.bias']);
    m1.dispose();
    m2.dispose();
    expect(() => new MADE({ inputSize: 3, hidden: [], outputMultiplier: 2, seed: 1 })).toThrow(ValidationError);
    expect(() => new MADE({ inputSize: 3, hidden: [4], outputMultiplier: 2, ordering: [1, 1, 2], seed: 1 })).toThrow(/permutation of 1..3/);
    expect(() => new MADE({ inputSize: 0, hidden: [4], outputMultiplier: 2, seed: 1 })).toThrow(/inputSize/);
  });

  it('does not leak tensors', () => {
    const made = new MADE({ inputSize: 2, hidden: [8, 8], outputMultiplier: 2, contextSize: 3, seed: 1 });
    const x = tf.ones([4, 2]);
    const c = tf.ones([4, 3]);
    const before = tf.memory().numTensors;
    tf.dispose(made.apply(x, c));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, c]);
    made.dispose();
  });
});
