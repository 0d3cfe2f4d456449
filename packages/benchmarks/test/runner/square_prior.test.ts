import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createPrior } from '@ddvi/distributions';
import '@ddvi/posterior-gaussian';
import { METRICS, buildCellPair, resolveBenchConfig, runBenchmark, trainingPriorOptions } from '../../src/index';

describe('the square prior in the bench', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('trains against the smoothed square, whose log-density is finite where the exact one is -inf', () => {
    const corner = tf.tensor2d([[1.5, 1.5]]); // diagonally beyond the (1, 1) corner: outside every edge's slab
    const exact = createPrior('square');
    expect(exact.logProb(corner).dataSync()[0]).toBe(-Infinity);
    const options = trainingPriorOptions('square');
    expect(options).toMatchObject({ alongStd: 3 / 50, noiseLevel: 3 });
    expect(trainingPriorOptions('pinwheel')).toBeUndefined();
    const config = resolveBenchConfig({ datasets: ['toy'], families: ['gaussian'], priors: ['square'], hidden: [8] });
    const { model, posterior } = buildCellPair(config, { dataset: 'toy', family: 'gaussian', prior: 'square', seed: 0 }, 16);
    const lp = model.prior().logProb(corner).dataSync()[0]!;
    expect(Number.isFinite(lp)).toBe(true);
    model.dispose();
    posterior.dispose();
    exact.dispose();
    corner.dispose();
  });

  it('a square-prior cell finishes with every metric finite', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ddvi-square-cell-'));
    dirs.push(out);
    const config = resolveBenchConfig({
      datasets: ['toy'], families: ['gaussian'], priors: ['square'], seeds: [1], epochs: 2, batchSize: 32, learningRate: 1e-2,
      trainLimit: 96, testLimit: 48, hidden: [8], iwaeK: 4, knnK: 5, latentNllSamples: 200, altLatentNllBandwidths: [0.05, 0.1, 0.3, 0.5, 0.8],
    });
    const { results } = await runBenchmark({ config, out, tool: { name: 'test', version: '0' }, backend: { name: 'cpu', reason: 'test' } });
    const cell = results.cells[0]!;
    expect(cell.error).toBeUndefined();
    for (const m of METRICS.filter((s) => !s.onlyWhenPresent)) expect(Number.isFinite(cell.metrics[m.key]), m.key).toBe(true);
  }, 60_000);
});
