import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import '@ddvi/posterior-gaussian';
import { buildCellPair, evaluationSeconds, loadSplits, resolveBenchConfig, timeEvaluation, timeLatentScores } from '../../src/index';

describe('timeEvaluation', () => {
  const config = (iwaeK: number) => resolveBenchConfig({ datasets: ['toy'], families: ['gaussian'], priors: ['pinwheel'], hidden: [8], iwaeK, testLimit: 40 });

  it('times the bound, the IWAE and the latents per image; none for the IWAE where the grid scores none', async () => {
    const splits = await loadSplits({ dataset: 'toy', prior: 'pinwheel', latentSize: 2, trainLimit: 64, testLimit: 40 });
    const before = tf.memory().numTensors;
    for (const iwaeK of [8, 0]) {
      const cell = { dataset: 'toy', family: 'gaussian', prior: 'pinwheel', seed: 0 };
      const { model, posterior } = buildCellPair(config(iwaeK), cell, splits.test!.dataSize);
      const cost = timeEvaluation(config(iwaeK), cell, model, posterior, splits.test!);
      expect(cost.bound).toBeGreaterThan(0);
      expect(cost.latents).toBeGreaterThan(0);
      if (iwaeK > 0) expect(cost.iwae).toBeGreaterThan(0);
      else expect(cost.iwae).toBe(0);
      model.dispose();
      posterior.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('times the latent scores of a cell at its set sizes, on prior draws with the sets\' labels', async () => {
    const before = tf.memory().numTensors;
    const cell = { dataset: 'toy', family: 'gaussian', prior: 'pinwheel', seed: 0 };
    const splits = await loadSplits({ dataset: 'toy', prior: 'pinwheel', latentSize: 2, trainLimit: 400, testLimit: 300 });
    const { model, posterior } = buildCellPair(config(8), cell, splits.test!.dataSize);
    const seconds = timeLatentScores(config(8), cell, model.prior(), { train: splits.train!, test: splits.test! });
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(60);
    model.dispose();
    posterior.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('scales the per-image costs to a cell: both bounds on the test set, latents of both sets', () => {
    expect(evaluationSeconds({ bound: 0.001, iwae: 0.01, latents: 0.0005 }, { test: 10_000, train: 20_000 })).toBeCloseTo(110 + 15, 9);
  });
});
