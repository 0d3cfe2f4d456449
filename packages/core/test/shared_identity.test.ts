import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, installSharedIdentity, isSharedIdentityInstalled, uninstallSharedIdentity } from '../src';

// The sharing Identity (src/backend/shared_identity.ts): clones share the bytes and outlive their
// source, memory is freed with the last holder, and gradients through saved tensors are unchanged.

beforeAll(async () => {
  await initBackend('wasm');
});

afterAll(() => {
  installSharedIdentity();
});

/** d/dW and d/dx of a small MLP loss (the tape clones every saved tensor). */
function grads(): number[][] {
  return tf.tidy(() => {
    const x = tf.tensor2d([[0.3, -1.2, 0.5], [1.1, 0.4, -0.7]]);
    const w = tf.tensor2d([[0.2, -0.4], [0.9, 0.1], [-0.3, 0.8]]);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.relu(tf.matMul(a, b))));
    const [ga, gb] = tf.grads(f)([x, w]);
    return [Array.from(ga!.dataSync()), Array.from(gb!.dataSync())];
  });
}

describe('the sharing Identity on wasm', () => {
  it('is installed by initBackend', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(isSharedIdentityInstalled()).toBe(true);
  });

  it('shares the bytes: a clone adds no data buffer, outlives its source, and is freed with the last holder', () => {
    // numDataBuffers counts the backend's buffers (numBytes counts per tensor, shared or not).
    const before = tf.memory().numDataBuffers;
    const x = tf.tensor1d([1, 2, 3, 4]);
    const y = tf.clone(x);
    expect(tf.memory().numDataBuffers - before).toBe(1);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
    expect(tf.memory().numDataBuffers - before).toBe(1);
    y.dispose();
    expect(tf.memory().numDataBuffers).toBe(before);
    // The copying kernel it replaces: one more buffer per clone.
    uninstallSharedIdentity();
    const a = tf.tensor1d([1, 2]);
    const b = tf.clone(a);
    expect(tf.memory().numDataBuffers - before).toBe(2);
    installSharedIdentity();
    tf.dispose([a, b]);
  });

  it('leaves a clone of a variable as it was when the variable is assigned', () => {
    const v = tf.variable(tf.tensor1d([1, 2]));
    const snapshot = tf.clone(v);
    v.assign(tf.tensor1d([5, 6]));
    expect(Array.from(snapshot.dataSync())).toEqual([1, 2]);
    expect(Array.from(v.dataSync())).toEqual([5, 6]);
    tf.dispose([v, snapshot]);
  });

  it('gives the same gradients as the copying kernel, with tf.memory() flat', () => {
    const shared = grads();
    const n0 = tf.memory().numTensors;
    uninstallSharedIdentity();
    expect(isSharedIdentityInstalled()).toBe(false);
    const copied = grads();
    installSharedIdentity();
    expect(shared).toEqual(copied);
    expect(tf.memory().numTensors).toBe(n0);
  });
});
