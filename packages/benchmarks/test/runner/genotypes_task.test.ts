import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listPosteriors } from '@ddvi/core';
import '@ddvi/posterior-diffusion';
import '@ddvi/posterior-gaussian';
import { loadGenotypeTaskSplits } from '@ddvi/genotypes';
import {
  CONTACT_SHEET, RESULTS_MD, expandGrid, listDatasets, listEmbeddings, loadDataset, loadSplits, resolveBenchConfig, runBenchmark,
} from '../../src/index';
import type { BenchConfig } from '../../src/index';

const TOOL = { name: 'test', version: '0.0.0' };
const BACKEND = { name: 'cpu', reason: 'test' };
/** A very small cohort: 4 populations x 30 + 12 admixed, 600 SNPs, F_ST 0.1. */
const TINY = { simulate: { populations: 4, individualsPerPopulation: 30, admixed: 12, snps: 600, fst: 0.1, seed: 5 }, components: 10 };

describe('genotypes dataset', () => {
  it('is registered and loads the simulated cohort as PCs / 30 with population labels', async () => {
    expect(listDatasets()).toContain('genotypes');
    const data = await loadDataset('genotypes', TINY);
    expect(data.size).toBe(4 * 30 + 12);
    expect(data.dataSize).toBe(10);
    expect(data.numClasses).toBe(4);
    const labels = data.labels!();
    for (let k = 0; k < 4; k++) expect(labels.filter((l) => l === k).length).toBeGreaterThanOrEqual(30);
  });

  it('splits as the genotypes package does, decoded with a Gaussian likelihood', async () => {
    const task = await loadGenotypeTaskSplits({ ...TINY, testFraction: 0.25 });
    const splits = await loadSplits({ dataset: 'genotypes', prior: 'pinwheel', latentSize: 2, genotypes: { ...TINY, testFraction: 0.25 } });
    expect(splits.likelihood).toBe('gaussian');
    expect(splits.train!.size).toBe(task.train.size);
    expect(splits.test.size).toBe(task.test.size);
    expect(Array.from(splits.embedding!.test)).toEqual(Array.from(task.rows.test));
  });

  it('rejects bad genotypes options naming the key', () => {
    expect(() => resolveBenchConfig({ datasets: ['genotypes'], genotypes: { testFraction: 1 } })).toThrow(/genotypes.testFraction must be a finite number >= 0 and < 1, got 1/);
    expect(() => resolveBenchConfig({ datasets: ['genotypes'], genotypes: { vcf: '/x.vcf' } })).toThrow(/panel/);
    expect(() => resolveBenchConfig({ datasets: ['genotypes'], genotypes: { nope: 1 } as never })).toThrow(/nope/);
    expect(() => resolveBenchConfig({ datasets: ['genotypes'], baselines: ['pca', 'lda'] })).toThrow(/baselines\[1\] must be one of the registered names: pca, umap, tsne, got "lda"/);
  });
});

describe('the genotypes task end to end', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('trains the families, embeds the baselines, and reports NMI in [0, 1] for every row', async () => {
    const families = ['gaussian', 'ddvi'].filter((f) => listPosteriors().includes(f));
    expect(families).toHaveLength(2);
    const config: BenchConfig = resolveBenchConfig({
      datasets: ['genotypes'], families, priors: ['pinwheel'], baselines: listEmbeddings(), seeds: [0], epochs: 2, batchSize: 32,
      learningRate: 1e-3, hidden: [16], iwaeK: 0, knnK: 5, latentNllSamples: 200, genotypes: { ...TINY, testFraction: 0.25 },
    });
    expect(expandGrid(config)).toHaveLength(families.length + 3);
    const out = mkdtempSync(join(tmpdir(), 'ddvi-genotypes-task-'));
    dirs.push(out);
    const { results } = await runBenchmark({ config, out, tool: TOOL, backend: BACKEND });
    expect(results.complete).toBe(true);
    for (const cell of results.cells) {
      expect(cell.error, cell.id).toBeUndefined();
      expect(cell.metrics.nmi, cell.id).toBeGreaterThanOrEqual(0);
      expect(cell.metrics.nmi, cell.id).toBeLessThanOrEqual(1);
      expect(cell.metrics.purity, cell.id).toBeGreaterThanOrEqual(0.25);
      expect(cell.data.test.size).toBe(33);
      // Baselines record the process's kernels as the families do, so the report names one set.
      expect(cell.timing.kernels, cell.id).toBeDefined();
    }
    expect(results.backend.kernels).not.toMatch(/not recorded/);
    // PCA of well separated populations (F_ST 0.1) clusters them almost perfectly.
    const pca = results.cells.find((c) => c.cell.baseline && c.cell.family === 'pca')!;
    expect(pca.metrics.nmi!).toBeGreaterThan(0.5);
    expect(pca.metrics.elbo).toBeNull();
    const md = readFileSync(join(out, RESULTS_MD), 'utf8');
    for (const f of families) expect(md).toMatch(new RegExp(`\\| ${f} \\| pinwheel \\| 1 \\|`));
    for (const b of ['pca', 'umap', 'tsne']) expect(md).toContain(`| ${b} (baseline) | - | 1 |`);
    const sheet = readFileSync(join(out, CONTACT_SHEET), 'utf8');
    expect(sheet.match(/<svg /g)).toHaveLength(1 + results.cells.length);
    for (const c of results.cells) expect(existsSync(join(out, c.files[0]!))).toBe(true);
  }, 120_000);
});
