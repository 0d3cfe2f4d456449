import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { initBackend } from '../backend/init';
import type { BackendName } from '../backend/init';

/** The seed tests use: 17, or DDVI_SEED to reproduce or vary a run without editing tests. */
export function testSeed(): number {
  const env = typeof process !== 'undefined' ? process.env.DDVI_SEED : undefined;
  return env !== undefined ? Number(env) >>> 0 : 17;
}

/** Runs fn and returns how many tensors it left allocated (0 when it cleans up after itself). */
export function leakedTensors(fn: () => void): number {
  const before = tf.memory().numTensors;
  fn();
  return tf.memory().numTensors - before;
}

/** Asserts that fn leaves tf.memory().numTensors unchanged. */
export function expectNoLeak(fn: () => void): void {
  expect(leakedTensors(fn)).toBe(0);
}

/**
 * Runs fn with `backend` as the current backend, then switches back to the one that was current.
 * 'cpu' goes through initBackend, which registers it (tests start on wasm, where it is not).
 */
export async function onBackend<T>(backend: BackendName, fn: () => T | Promise<T>): Promise<T> {
  const before = tf.getBackend();
  if (backend === 'cpu') await initBackend('cpu');
  else await tf.setBackend(backend);
  try {
    return await fn();
  } finally {
    await tf.setBackend(before);
  }
}
