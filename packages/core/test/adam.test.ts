import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Adam } from '../src';

describe('Adam', () => {
  it('matches tf.train.adam over 25 steps (to 2e-5, float32 rounding of the bias corrections)', () => {
    const init = tf.randomNormal([5, 3], 0, 1, 'float32', 3);
    const ours = tf.variable(init.clone());
    const ref = tf.variable(init.clone());
    const target = tf.randomNormal([5, 3], 0, 1, 'float32', 4);
    const loss = (w: tf.Tensor) => tf.sum(tf.square(tf.sub(tf.mul(w, w), target))) as tf.Scalar;
    const adam = new Adam({ learningRate: 0.05 });
    const refOpt = tf.train.adam(0.05, 0.9, 0.999, 1e-8);
    for (let i = 0; i < 25; i++) {
      const { grads, value } = tf.variableGrads(() => loss(ours), [ours]);
      adam.apply({ w: ours }, { w: grads[ours.name]! });
      tf.dispose([value, ...Object.values(grads)]);
      refOpt.minimize(() => loss(ref), false, [ref]);
    }
    const a = ours.dataSync();
    ref.dataSync().forEach((v, i) => expect(Math.abs(v - a[i]!)).toBeLessThan(2e-5));
    expect(adam.step).toBe(25);
  });

  it('saves and restores its moments exactly', () => {
    const w = tf.variable(tf.ones([3]));
    const adam = new Adam({ learningRate: 0.1 });
    adam.apply({ w }, { w: tf.tensor1d([1, -2, 3]) });
    const restored = new Adam({ learningRate: 0.1 });
    restored.loadState(JSON.parse(JSON.stringify(adam.state())));
    const w2 = tf.variable(w.clone());
    adam.apply({ w }, { w: tf.tensor1d([0.5, 0.5, 0.5]) });
    restored.apply({ w: w2 }, { w: tf.tensor1d([0.5, 0.5, 0.5]) });
    expect(Array.from(w2.dataSync())).toEqual(Array.from(w.dataSync()));
  });

  it('rejects bad hyperparameters', () => {
    expect(() => new Adam({ learningRate: -1 })).toThrow(/Adam: learningRate must be a finite number > 0, got -1/);
    expect(() => new Adam({ beta1: 1 })).toThrow(/Adam: beta1 must be in \[0, 1\), got 1/);
  });
});
