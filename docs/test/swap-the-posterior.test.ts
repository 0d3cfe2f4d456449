import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { trainVae } from '../guides/examples/swap-the-posterior';

describe('guide 2: train a VAE, then swap its posterior by changing one line', () => {
  it.each(['gaussian', 'ddvi', 'iaf', 'aae'])('%s trains on the same model and reports on the test split', async (family) => {
    const before = tf.memory().numTensors;
    const { steps, report } = await trainVae(family);
    expect(steps).toBe(6);
    if (family === 'aae') {
      // No density: the objective is the reconstruction and no bound is reported.
      expect(report.bound).toBeUndefined();
    } else {
      // A bound in nats per example: finite and negative (64 sigmoid features, Bernoulli likelihood).
      expect(Number.isFinite(report.bound)).toBe(true);
      expect(report.bound).toBeLessThan(0);
    }
    expect(Object.values(report).every(Number.isFinite)).toBe(true);
    // The guide disposes what it builds; only the datasets' tensors (cached by loadSplits' caller) may remain.
    expect(tf.memory().numTensors - before).toBeLessThan(10);
  });
});
