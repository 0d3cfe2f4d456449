import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { ValidationError, activeKernels, listPosteriors, registerPosterior } from '@ddvi/core';
import type { PosteriorSample, SampleOptions } from '@ddvi/core';
import {
  METRICS, RESULTS_JSON, RESULTS_MD, cellPath, expandGrid, resolveBenchConfig, resultsMarkdown, runBenchmark,
} from '../../src/index';
import type { BenchConfig, BenchResults, CellResult, RunBenchmarkResult } from '../../src/index';
import { TOY_FAMILY, ToyLinearGaussian, registerToyFamily } from './toy_family';

const EXPLODING_FAMILY = 'toy-exploding';

/** The toy family with a NaN log q, so its training diverges at once. */
class ExplodingToy extends ToyLinearGaussian {
  override sample(x: tf.Tensor2D, options: SampleOptions): PosteriorSample {
    const s = super.sample(x, options);
    const logQ = tf.mul(s.logQ, Number.NaN) as tf.Tensor1D;
    s.logQ.dispose();
    return { ...s, logQ };
  }
}

const TOOL = { name: 'test', version: '0.0.0' };
const BACKEND = { name: 'cpu', reason: 'test' };

function tinyConfig(extra: Partial<BenchConfig> = {}): BenchConfig {
  return resolveBenchConfig({
    datasets: ['toy'], families: [TOY_FAMILY], priors: ['pinwheel', 'swiss_roll'], seeds: [3], epochs: 1, batchSize: 32, learningRate: 1e-2,
    trainLimit: 96, testLimit: 48, hidden: [8], iwaeK: 4, knnK: 5, latentNllSamples: 200, altLatentNllBandwidths: [0.05, 0.1, 0.3, 0.5, 0.8], ...extra,
  });
}

/** Metrics without the timings, which differ between runs. */
function numbers(results: BenchResults): Record<string, unknown> {
  return Object.fromEntries(
    results.cells.map((c: CellResult) => [c.id, { ...c.metrics, wallSeconds: undefined, msPerStep: undefined, test: c.test }]),
  );
}

describe('runBenchmark', () => {
  const dirs: string[] = [];
  const temp = () => {
    const d = mkdtempSync(join(tmpdir(), 'ddvi-bench-runner-'));
    dirs.push(d);
    return d;
  };
  let first: RunBenchmarkResult;
  let firstOut: string;

  beforeAll(async () => {
    registerToyFamily();
    firstOut = temp();
    // Only the toy family is run: other test files of this fork may have registered more (the registry is process-wide).
    first = await runBenchmark({ config: tinyConfig(), out: firstOut, tool: TOOL, backend: BACKEND });
  });
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('benchmarks a family registered from outside the package, with every metric', () => {
    expect(listPosteriors()).toContain(TOY_FAMILY);
    // No families given: every registered family, the toy one from this file included.
    expect(resolveBenchConfig({}).families).toContain(TOY_FAMILY);
    expect(first.results.config.families).toEqual([TOY_FAMILY]);
    expect(first.computed).toHaveLength(2);
    expect(first.results.complete).toBe(true);
    for (const cell of first.results.cells) {
      expect(cell.cell.family).toBe(TOY_FAMILY);
      // The classifier's accuracy belongs to semi-supervised cells only (test/runner/semi.test.ts).
      for (const m of METRICS.filter((s) => !s.onlyWhenPresent)) expect(Number.isFinite(cell.metrics[m.key]), m.key).toBe(true);
      expect(cell.metrics.knnAccuracy).toBeGreaterThanOrEqual(0);
      expect(cell.metrics.knnAccuracy).toBeLessThanOrEqual(1);
      expect(cell.metrics.iwae!).toBeGreaterThanOrEqual(cell.metrics.elbo! - 1); // k = 4 bound, same data; a loose sanity check
      expect(existsSync(join(firstOut, cell.files[0]!))).toBe(true);
      // The training's epoch means, as the trainer recorded them (one epoch in tinyConfig).
      expect(cell.epochs!.map((e) => e.epoch)).toEqual([0]);
      expect(Number.isFinite(cell.epochs![0]!.train.bound)).toBe(true);
      expect(cell.epochs![0]!.seconds).toBeGreaterThan(0);
      // Where the cell's time went: every phase, none negative, adding up to its wall time.
      const phases = cell.timing.phases!;
      expect(Object.keys(phases)).toEqual(['setup', 'steps', 'checkpoints', 'evaluation', 'latents', 'scores', 'plot']);
      for (const v of Object.values(phases)) expect(v).toBeGreaterThanOrEqual(0);
      const total = Object.values(phases).reduce((a, b) => a + b, 0);
      expect(Math.abs(total - cell.timing.wallSeconds)).toBeLessThan(0.02);
      expect(Math.abs(phases['steps']! - cell.timing.trainSeconds)).toBeLessThan(0.02);
      // What computed it: the process's kernels (the test setup's initBackend selection).
      expect(cell.timing.kernels).toBe(activeKernels());
      expect(cell.timing.kernels).toMatch(new RegExp(`^${tf.getBackend()}\\b`));
    }
    const md = readFileSync(join(firstOut, RESULTS_MD), 'utf8');
    expect(md).toContain(`| ${TOY_FAMILY} | pinwheel |`);
    expect(md).toContain(`| ${TOY_FAMILY} | swiss_roll |`);
    const json = JSON.parse(readFileSync(join(firstOut, RESULTS_JSON), 'utf8')) as BenchResults;
    expect(json.cells.map((c) => c.id)).toEqual(first.results.cells.map((c) => c.id));
    // The report names the kernels the cells recorded, which the caller's backend did not say.
    expect(json.backend).toEqual({ ...BACKEND, kernels: activeKernels() });
    expect(md).toContain(`backend ${activeKernels()}.`);
    expect(json.config.seeds).toEqual([3]);
  });

  it('resumes: a deleted cell is recomputed, the other read back, and the numbers match the uninterrupted run', async () => {
    const out = temp();
    const config = tinyConfig();
    const cells = expandGrid(config);
    await runBenchmark({ config, out, tool: TOOL, backend: BACKEND });
    const kept = cellPath(out, cells[0]!);
    const keptMtime = statSync(kept).mtimeMs;
    rmSync(cellPath(out, cells[1]!));
    const resumed = await runBenchmark({ config, out, tool: TOOL, backend: BACKEND });
    expect(resumed.reused).toEqual([first.results.cells[0]!.id]);
    expect(resumed.computed).toEqual([first.results.cells[1]!.id]);
    expect(statSync(kept).mtimeMs).toBe(keptMtime);
    expect(existsSync(cellPath(out, cells[1]!))).toBe(true);
    expect(numbers(resumed.results)).toEqual(numbers(first.results));
  });

  it('marks the best value per column, by each metric\'s direction', () => {
    const base = first.results.cells[0]!;
    const cell = (prior: string, elbo: number, latentNll: number): CellResult => ({
      ...base, id: prior, cell: { ...base.cell, prior }, metrics: { ...base.metrics, elbo, latentNll },
    });
    const results: BenchResults = { ...first.results, cells: [cell('pinwheel', -100, 5), cell('swiss_roll', -90, 7)] };
    const md = resultsMarkdown(results);
    const row = (prior: string) => md.split('\n').find((l) => l.startsWith(`| ${TOY_FAMILY} | ${prior} |`))!;
    expect(row('swiss_roll')).toContain('**-90.00**'); // ELBO: higher is better
    expect(row('pinwheel')).not.toContain('**-100.00**');
    expect(row('pinwheel')).toContain('**5.000**'); // latent NLL: lower is better
    expect(row('swiss_roll')).not.toContain('**7.000**');
  });

  it("says which families train with their own settings, so a reader knows whether the comparison is at equal weights", () => {
    const heading = (familySettings?: BenchConfig['familySettings']) => {
      const config = { ...first.results.config, families: [TOY_FAMILY, 'gaussian'], ...(familySettings ? { familySettings } : {}) };
      if (!familySettings) delete config.familySettings;
      return resultsMarkdown({ ...first.results, config }).split('\n').find((l) => l.startsWith('Training weights'));
    };
    expect(heading()).toBe('Training weights (the same for every family):');
    expect(heading({ gaussian: { byPrior: { square: { beta: 2 } } } })).toBe("Training weights (the grid's; gaussian with its own, as listed):");
    expect(heading({ gaussian: { beta: 2 }, [TOY_FAMILY]: { learningRate: 1e-2 } })).toBe('Training weights (each family its own):');
    // Settings of a family outside the grid change nothing in it.
    expect(heading({ iaf: { beta: 2 } })).toBe('Training weights (the same for every family):');
  });

  it('records a diverged cell as failed and keeps going', async () => {
    // A family whose log q is NaN: its ELBO is non-finite from the first step.
    registerPosterior({
      family: EXPLODING_FAMILY,
      description: 'test-only: NaN log-density',
      create: (init) => new ExplodingToy(init.latentSize, init.dataSize, init.seed),
      fromJSON: () => {
        throw new Error('not serializable');
      },
    });
    const out = temp();
    const run = await runBenchmark({ config: tinyConfig({ families: [EXPLODING_FAMILY, TOY_FAMILY], priors: ['pinwheel'] }), out, tool: TOOL, backend: BACKEND });
    const [exploding, toy] = run.results.cells;
    expect(exploding!.error).toMatch(/non-finite/);
    expect(exploding!.timing.kernels).toBe(activeKernels());
    for (const m of METRICS) expect(exploding!.metrics[m.key]).toBeNull();
    expect(toy!.error).toBeUndefined();
    expect(Number.isFinite(toy!.metrics.elbo)).toBe(true);
    expect(readFileSync(join(out, RESULTS_MD), 'utf8')).toContain('Failed cells');
  });

  it('refuses to resume into a folder whose cells were made with other settings', async () => {
    await expect(runBenchmark({ config: tinyConfig({ epochs: 2 }), out: firstOut, tool: TOOL, backend: BACKEND })).rejects.toThrow(/epochs: 1 there, 2 now/);
  });

  it('rejects bad settings naming the parameter', () => {
    expect(() => resolveBenchConfig({ families: ['no-such-family'] })).toThrow(/families/);
    expect(() => resolveBenchConfig({ epochs: 0 })).toThrow(/epochs/);
    expect(() => resolveBenchConfig({ seeds: [1, 1] })).toThrow(/seeds/);
    expect(() => resolveBenchConfig({ bogus: 1 } as never)).toThrow(ValidationError);
  });
});
