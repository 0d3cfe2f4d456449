import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Elbo, Trainer, ValidationError, checkMemoryFits, estimateTrainingMemory } from '../src';
import { referenceLinearGaussian, testSeed } from '../src/testing';
import { LinearPosterior } from './fixtures';

describe('memory estimate', () => {
  it('counts parameters (x4: value, gradient, two Adam moments), activations per example and data exactly', () => {
    const w = tf.variable(tf.zeros([10, 20]));
    const b = tf.variable(tf.zeros([20]));
    const e = estimateTrainingMemory({ variables: { w, b }, batchSize: 8, dataSize: 10, examples: 100 });
    expect(e.parameterBytes).toBe((200 + 20) * 4 * 4);
    expect(e.bytesPerExample).toBe((10 + 20) * 4 * 4);
    expect(e.activationBytes).toBe(8 * e.bytesPerExample);
    expect(e.dataBytes).toBe(100 * 10 * 4);
    expect(e.totalBytes).toBe(e.parameterBytes + e.activationBytes + e.dataBytes);
    tf.dispose([w, b]);
  });

  it('refuses with the breakdown and the largest batch that fits', () => {
    const e = { parameterBytes: 1000, activationBytes: 64_000, bytesPerExample: 1000, dataBytes: 2000, totalBytes: 67_000 };
    expect(() => checkMemoryFits(e, { availableBytes: 10_000, totalBytes: 20_000, source: 'test' }, 64)).toThrow(
      'training would need about 65.4 KiB of memory (parameters with gradients and Adam state 1000 bytes, activations for batch 64 62.5 KiB = 1000 bytes per example, data 2.0 KiB), ' +
        'but only 9.8 KiB is available of 19.5 KiB (test); lower --batch-size to at most 7',
    );
    expect(() => checkMemoryFits(e, { availableBytes: 2500 }, 64)).toThrow(/alone do not fit: lower --train-limit/);
    expect(() => checkMemoryFits(e, { availableBytes: 67_000 }, 64)).not.toThrow();
  });

  it('the Trainer checks before the first step when given a budget', () => {
    const model = referenceLinearGaussian();
    const data = model.sampleDataset(200, testSeed());
    const q = new LinearPosterior(2, 6);
    const make = (availableBytes: number) => () =>
      new Trainer({ model, posterior: q, objective: new Elbo(), train: data, batchSize: 32, epochs: 1, learningRate: 1e-2, seed: 1, memoryBudget: { availableBytes } });
    expect(make(1000)).toThrow(ValidationError);
    expect(make(1 << 30)).not.toThrow();
    q.dispose();
  });
});
