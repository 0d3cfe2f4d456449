import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveBenchConfig } from '@ddvi/benchmarks';
import '@ddvi/posterior-gaussian';
import '@ddvi/posterior-adversarial';
import { estimateGrid } from '../src/bench_estimate';
import { runCli, tempDir } from './helpers';

describe('estimateGrid', () => {
  it('multiplies each (family, prior)\'s calibrated ms/step by the steps per cell and the cells of the grid, and adds each cell\'s evaluation and latent scores', async () => {
    // 300 toy examples at batch 64: 5 steps an epoch (the last one partial), capped at 4 by stepsPerEpoch.
    const config = resolveBenchConfig({
      datasets: ['toy'], families: ['gaussian', 'aae'], priors: ['pinwheel', 'square'], seeds: [0, 1, 2], epochs: 3, hidden: [8],
      trainLimit: 300, testLimit: 50, batchSize: 64, stepsPerEpoch: 4,
    });
    const e = await estimateGrid(config);
    expect(e.calibration.map((c) => [c.dataset, c.family, c.prior, c.stepsPerCell, c.cells])).toEqual([
      ['toy', 'gaussian', 'pinwheel', 12, 3],
      ['toy', 'gaussian', 'square', 12, 3],
      ['toy', 'aae', 'pinwheel', 12, 3],
      ['toy', 'aae', 'square', 12, 3],
    ]);
    for (const c of e.calibration) {
      expect(c.msPerStep).toBeGreaterThan(0);
      expect(c.evaluationSecondsPerCell).toBeGreaterThan(0);
    }
    // The latent scores are timed once for the dataset and counted for every cell.
    const scores = e.calibration[0]!.scoresSecondsPerCell;
    expect(scores).toBeGreaterThan(0);
    expect(e.calibration.map((c) => c.scoresSecondsPerCell)).toEqual([scores, scores, scores, scores]);
    expect(e.scoresSeconds).toBeCloseTo(scores * 12, 9);
    const expected = e.calibration.reduce((s, c) => s + (c.msPerStep * 12 * 3) / 1000, 0);
    expect(e.trainingSeconds).toBeCloseTo(expected, 9);
    expect(e.evaluationSeconds).toBeCloseTo(e.calibration.reduce((s, c) => s + c.evaluationSecondsPerCell * 3, 0), 9);
    expect(e.calibrationSeconds).toBeGreaterThan(0);
  }, 60_000);
});

describe('ddvi bench --estimate-only', () => {
  it('prints the grid and its estimate, then stops: no cell trained, nothing written under --out', async () => {
    const tmp = tempDir();
    try {
      const out = join(tmp.dir, 'grid');
      const result = await runCli([
        'bench', '--datasets', 'toy', '--families', 'gaussian', '--priors', 'pinwheel,square', '--seeds', '0,1', '--epochs', '2', '--hidden', '8',
        '--train-limit', '128', '--test-limit', '64', '--batch-size', '64', '--backend', 'cpu', '--out', out, '--estimate-only',
      ]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^estimated time of the grid: ~\S+ \(training ~\S+, evaluation ~\S+, latent scores ~\S+; /m);
      expect(result.stdout).toMatch(/^ {2}ms\/step: toy\/gaussian\/pinwheel \d+ x 4 steps x 2 cells; toy\/gaussian\/square \d+ x 4 steps x 2 cells$/m);
      expect(result.stdout).toMatch(/^ {2}evaluation per cell: toy\/gaussian\/pinwheel \S+; toy\/gaussian\/square \S+$/m);
      expect(result.stdout).not.toMatch(/^cell 1\/4/m);
      expect(existsSync(join(out, 'cells'))).toBe(false);
      expect(existsSync(join(out, 'results.json'))).toBe(false);
    } finally {
      tmp.cleanup();
    }
  }, 60_000);
});
