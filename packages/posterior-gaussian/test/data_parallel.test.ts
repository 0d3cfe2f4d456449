import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { DataParallelTrainer, Trainer, ValidationError } from '@ddvi/core';
import type { DataParallelOptions, SerializedModule } from '@ddvi/core';
// The same setup module the workers import, run here for the single-thread reference.
// @ts-expect-error plain JS fixture without type declarations
import setup from './fixtures/data_parallel_setup.mjs';

// Workers load @ddvi/core's built dist/ (turbo builds dependencies before this package's tests).
const SETUP = new URL('./fixtures/data_parallel_setup.mjs', import.meta.url);
const SETUP_OPTIONS = { examples: 256, dataSeed: 11, modelSeed: 2, posteriorSeed: 3 };
const TRAINING = { batchSize: 32, epochs: 3, learningRate: 5e-3, seed: 7 };

function options(workers: number): DataParallelOptions {
  return { workers, setup: SETUP, setupOptions: SETUP_OPTIONS, backend: 'wasm', ...TRAINING };
}

const weightsOf = (m: SerializedModule) => JSON.stringify(m.weights);

describe('DataParallelTrainer', () => {
  it('gives identical weights and history for the same seed and 2 workers, and improves the bound', async () => {
    const a = await new DataParallelTrainer(options(2)).fit();
    const b = await new DataParallelTrainer(options(2)).fit();
    expect(weightsOf(b.posterior)).toBe(weightsOf(a.posterior));
    expect(b.history.map((h) => h.train)).toEqual(a.history.map((h) => h.train));
    expect(a.steps).toBe(24);
    // The ELBO loss (negative bound) must fall over 3 epochs of 8 steps.
    const loss = a.history.map((h) => h.train['loss']!);
    expect(loss[2]!).toBeLessThan(loss[0]!);
    // The 1-worker split draws other noise: 2 workers must not silently run as one.
    const one = await new DataParallelTrainer(options(1)).fit();
    expect(weightsOf(one.posterior)).not.toBe(weightsOf(a.posterior));
  }, 120_000);

  it('with one worker reproduces the single-thread Trainer exactly', async () => {
    const dp = await new DataParallelTrainer(options(1)).fit();
    const run = setup(SETUP_OPTIONS);
    const before = tf.memory().numTensors;
    const trainer = new Trainer({ ...TRAINING, ...run });
    const res = await trainer.fit();
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(weightsOf(run.posterior.toJSON())).toBe(weightsOf(dp.posterior));
    expect(res.history.map((h) => h.train)).toEqual(dp.history.map((h) => h.train));
    run.posterior.dispose();
    run.model.dispose?.();
  }, 120_000);

  it('resumes from worker 0\'s checkpoint to the numbers of an uninterrupted run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ddvi-dp-'));
    try {
      const checkpointPath = join(dir, 'ckpt.json');
      await new DataParallelTrainer({ ...options(2), epochs: 2, checkpointPath }).fit();
      const resumed = await new DataParallelTrainer({ ...options(2), checkpointPath }).fit(checkpointPath);
      const straight = await new DataParallelTrainer(options(2)).fit();
      expect(resumed.steps).toBe(24);
      expect(weightsOf(resumed.posterior)).toBe(weightsOf(straight.posterior));
      expect(weightsOf(resumed.model)).toBe(weightsOf(straight.model));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('rejects a batch smaller than the worker count, naming both', () => {
    expect(() => new DataParallelTrainer({ ...options(4), batchSize: 2 })).toThrow(ValidationError);
    expect(() => new DataParallelTrainer({ ...options(4), batchSize: 2 })).toThrow(/batchSize must be >= workers = 4/);
  });

  it('reports a setup error from the workers', async () => {
    const bad = new DataParallelTrainer({ ...options(2), setupOptions: { ...SETUP_OPTIONS, examples: 33 } });
    await expect(bad.fit()).rejects.toThrow(/last batch of each epoch has 1 examples/);
  }, 60_000);
});
