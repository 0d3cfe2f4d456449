import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPosteriors, posteriorFromState, registerPosterior } from '@ddvi/core';
import '@ddvi/posterior-semi';
import { BUDGET_CURVE, RESULTS_MD, budgetCurveSvg, cellId, expandGrid, resolveBenchConfig, runBenchmark } from '../../src/index';
import type { BenchConfig, RunBenchmarkResult } from '../../src/index';
import { TOY_FAMILY, ToyLinearGaussian, registerToyFamily } from './toy_family';

const NO_DENSITY = 'toy-no-density';

/** The toy family claiming no density (like the AAE) and no semi-supervised form of its own. */
class NoDensityToy extends ToyLinearGaussian {
  override readonly capabilities = { hasDensity: false, supportsIWAE: false, supportsLabels: false };
}

function semiConfig(extra: Partial<BenchConfig> = {}): BenchConfig {
  return resolveBenchConfig({
    datasets: ['toy'], families: [TOY_FAMILY, NO_DENSITY], priors: ['pinwheel'], seeds: [3], labels: [8, 24], epochs: 2, batchSize: 32,
    learningRate: 1e-2, trainLimit: 96, testLimit: 48, hidden: [8], iwaeK: 4, knnK: 5, latentNllSamples: 200, ...extra,
  });
}

describe('semi-supervised bench (--labels)', () => {
  let run: RunBenchmarkResult;
  let out: string;

  beforeAll(async () => {
    registerToyFamily();
    registerPosterior({
      family: NO_DENSITY, description: 'test-only family without a density',
      create: (init) => new NoDensityToy(init.latentSize, init.dataSize, init.seed),
      fromJSON: (state) => posteriorFromState(NO_DENSITY, state, (s) => new NoDensityToy(s.latentSize, s.dataSize, s.seed)),
    });
    out = mkdtempSync(join(tmpdir(), 'ddvi-bench-semi-'));
    run = await runBenchmark({ config: semiConfig(), out, tool: { name: 'test', version: '0.0.0' }, backend: { name: 'cpu', reason: 'test' } });
  }, 240_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('checks budgets and leaves wrappers out of the default families', () => {
    expect(() => semiConfig({ labels: [8, 8] })).toThrow(/labels/);
    expect(() => semiConfig({ labels: [-1] })).toThrow(/labels/);
    expect(() => semiConfig({ labels: [] })).toThrow(/labels/);
    expect(listPosteriors()).toContain('semi');
    expect(resolveBenchConfig({}).families).not.toContain('semi');
  });

  it('makes the budget a grid axis between priors and seeds, named in the cell id', () => {
    const cells = expandGrid({ datasets: ['toy'], families: ['a'], priors: ['p'], seeds: [0, 1], labels: [10, 50] });
    expect(cells.map((c) => [c.labels, c.seed])).toEqual([[10, 0], [10, 1], [50, 0], [50, 1]]);
    expect(cellId(cells[2]!)).toBe('toy__a__p__labels50__seed0');
    expect(cellId({ dataset: 'toy', family: 'a', prior: 'p', seed: 0 })).toBe('toy__a__p__seed0');
  });

  it('runs a family through the shared wrapper with its classifier scored, and reports a family without a form as n/a', () => {
    const cells = run.results.cells;
    expect(cells.map((c) => [c.cell.family, c.cell.labels])).toEqual([[TOY_FAMILY, 8], [TOY_FAMILY, 24], [NO_DENSITY, 8], [NO_DENSITY, 24]]);
    for (const c of cells.slice(0, 2)) {
      expect(c.error).toBeUndefined();
      // pi's test accuracy is a fraction of 48 test rows; the bounds are on log p(x) of unlabelled rows.
      expect(c.metrics.classifierAccuracy! * 48).toBeCloseTo(Math.round(c.metrics.classifierAccuracy! * 48), 6);
      expect(c.metrics.elbo).toBeLessThan(c.metrics.iwae! + 1);
      expect(Number.isFinite(c.metrics.knnAccuracy)).toBe(true);
      // The plot rings the labelled training examples (those inside its range).
      const svg = readFileSync(join(out, c.files[0]!), 'utf8');
      const rings = svg.match(/stroke="black" stroke-width="0.8"/g)?.length ?? 0;
      expect(rings).toBeLessThanOrEqual(c.cell.labels!);
      expect(rings).toBeGreaterThan(c.cell.labels! / 2); // a few may fall outside the plotted range
      expect(svg).toContain(`ringed: ${c.cell.labels} labelled training examples`);
    }
    for (const c of cells.slice(2)) {
      expect(c.error).toMatch(/^n\/a: .*needs a family with a density/);
      expect(c.metrics.elbo).toBeNull();
    }
    const md = readFileSync(join(out, RESULTS_MD), 'utf8');
    expect(md).toContain('| family | prior | labels | seeds | classifier acc |');
    expect(md).toMatch(new RegExp(`\\| ${TOY_FAMILY}-semi \\| pinwheel \\| 8 \\| 1 \\| \\**\\d\\.\\d{3}`));
    expect(md).toMatch(new RegExp(`\\| ${NO_DENSITY}-semi \\| pinwheel \\| 24 \\| 1 \\| n/a \\| n/a`));
    expect(md).toContain(`- ${NO_DENSITY}, pinwheel, 8 labels, seed 3: n/a:`);
    const curve = readFileSync(join(out, BUDGET_CURVE), 'utf8');
    expect(curve).toContain(`toy ${TOY_FAMILY}-semi, pinwheel`);
    expect(curve.match(/<polyline/g)?.length).toBe(2); // classifier and kNN of the one family with a form
  });

  it('draws one point per budget and metric, and no line for a single budget', () => {
    const base = run.results.cells[0]!;
    const svg = budgetCurveSvg([{ ...base, cell: { ...base.cell, labels: 5 } }]);
    expect(svg.match(/<polyline/g)).toBeNull();
    expect(svg.match(/<circle/g)?.length).toBe(2);
  });
});
