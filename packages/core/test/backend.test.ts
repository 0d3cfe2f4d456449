import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../src';

describe('backend', () => {
  it('initializes wasm by default and has gradients registered', async () => {
    const info = await initBackend();
    expect(['wasm', 'tensorflow']).toContain(info.name);
    const g = tf.grad((x: tf.Tensor) => tf.mean(tf.square(x)))(tf.ones([4]));
    expect(Array.from(g.dataSync())).toEqual([0.5, 0.5, 0.5, 0.5]);
  });
});
