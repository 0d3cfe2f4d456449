import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knnAccuracy, readLatentFile } from '@ddvi/benchmarks';
import type { BenchResults, CellResult } from '@ddvi/benchmarks';
import { resolveBench } from '../src/bench_config';
import { REFERENCE_SETTINGS, RUN_PY_BANDWIDTHS } from '../src/bench_preset_reference';
import { runCli, tempDir } from './helpers';
import type { CliResult } from './helpers';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const out = join(tmp.dir, 'reference');

/**
 * `--preset reference` in CI size (~30 s): mean-field (a density family) and DDVI (staged, the
 * deterministic chain) with the preset's own weights, dropout on at evaluation and both latent NLLs,
 * on a few toy examples, 6 epochs of one step, so DDVI's three phases each get at least one epoch
 * (10% and 25% of 6 round to 1 and 2). The AAE's discriminator (1000 x 1000, not set by --hidden)
 * and the flows would triple the time; their settings are checked in the resolved config.
 */
const CI_SIZE = [
  '--preset', 'reference', '--datasets', 'toy', '--families', 'gaussian,ddvi', '--priors', 'pinwheel', '--seeds', '0', '--epochs', '6',
  '--steps-per-epoch', '1', '--hidden', '8', '--train-limit', '64', '--test-limit', '32', '--batch-size', '32', '--iwae-k', '2',
  '--backend', 'wasm', '--out', out,
];

describe('ddvi bench --preset reference (CI size)', () => {
  let run: CliResult;
  let results: BenchResults;
  const cell = (family: string): CellResult => results.cells.find((c) => c.cell.family === family)!;
  beforeAll(async () => {
    run = await runCli(['bench', ...CI_SIZE]);
    results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
  }, 120_000);

  it('runs every family of the preset end to end with its own weights, after printing the estimate', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^bench preset reference: datasets toy; families gaussian, ddvi;/m);
    expect(run.stdout.search(/^estimated time of the grid: /m)).toBeLessThan(run.stdout.indexOf('cell 1/2'));
    expect(results.cells.map((c) => c.cell.family)).toEqual(['gaussian', 'ddvi']);
    for (const c of results.cells) expect(c.error, c.id).toBeUndefined();
    const s = results.config.familySettings!;
    // The KL warm-up is 80% of the epochs, rescaled with --epochs (160 of 200 -> 5 of 6).
    expect(s.gaussian).toMatchObject({ beta: 7.84, klWarmup: 5 });
    expect(s.iaf).toMatchObject({ beta: 7.84, klWarmup: 5 });
    expect(s.hiaf).toMatchObject({ beta: 3.92, klWarmup: 5 });
    expect(s.ddvi).toMatchObject({ beta: 2.352, klWarmup: 0 });
    expect(s.ddvi!.posteriorConfig).toMatchObject({ reverseVariance: 'none', reverseMean: 'ddim', wake: 'huber', fantasy: 'mean', priorPretrain: 0.1, frozenDecoder: 0.15 });
    expect(s.aae!.learningRate).toBe(2e-4);
    expect(results.config).toMatchObject({ learningRate: 1e-4, knnK: 20, evalDropout: true, altLatentNllBandwidths: [...RUN_PY_BANDWIDTHS] });
    const md = readFileSync(join(out, 'results.md'), 'utf8');
    expect(md).toContain('- ddvi: beta 2.352, lr 0.0001, options');
    expect(md).toContain('- gaussian: beta 7.84 (warm-up 5 epochs), lr 0.0001');
    // Staged DDVI: sleep only, then the model frozen, then everything.
    expect(run.stdout).toMatch(/phase prior-pretrain from epoch 1\nepoch 1\/6 .*\| sleep /);
    expect(run.stdout).toContain('phase frozen-decoder from epoch 2');
    expect(run.stdout).toContain('phase joint from epoch 3');
  });

  it("reports DDVI's deterministic chain's bound as n/a, never as a number, and trains it on its surrogate", () => {
    const ddvi = cell('ddvi');
    expect(ddvi.capabilities.hasDensity).toBe(false);
    expect(ddvi.metrics.elbo).toBeNull();
    expect(ddvi.metrics.iwae).toBeNull();
    expect(ddvi.test.bound).toBeUndefined();
    expect(Number.isFinite(ddvi.metrics.reconstruction)).toBe(true);
    expect(run.stdout).toMatch(/^cell 2\/2 done in .*ELBO n\/a, IWAE n\/a/m);
    // Trained on the reference's loss (KL(q(y_T | x) || N(0, I)) - log p(z), Huber wake), not on the reconstruction alone.
    expect(run.stdout).toMatch(/^epoch 6\/6 \| train rec -?\d+\.\d+ .*surrogateKl -?\d+\.\d+ surrogatePenalty \d+\.\d+ /m);
    expect(readFileSync(join(out, 'results.md'), 'utf8')).toMatch(/^\| ddvi \| pinwheel \| 1 \| n\/a \| n\/a \| -?\d/m);
    // The density families keep their bounds.
    expect(Number.isFinite(cell('gaussian').metrics.elbo)).toBe(true);
    expect(Number.isFinite(cell('gaussian').metrics.iwae)).toBe(true);
  });

  it("reports the latent NLL with run.py's bandwidths beside ours", () => {
    for (const c of results.cells) {
      expect(Number.isFinite(c.metrics.latentNll), c.id).toBe(true);
      expect(Number.isFinite(c.metrics.altLatentNll), c.id).toBe(true);
      expect(c.metrics.altLatentNll).not.toBe(c.metrics.latentNll);
    }
    const md = readFileSync(join(out, 'results.md'), 'utf8');
    expect(md).toMatch(/\| kNN acc \| logreg acc \| latent NLL \| latent NLL, alt H \| NMI \|/);
    expect(md).toContain('bandwidths H = {0.005, 0.008, 0.01, 0.03, 0.05}, and in the "latent NLL, alt H" column H = {0.05, 0.1, 0.3, 0.5, 0.8}');
    expect(md).toContain('Dropout stays on at evaluation');
  });

  it('bench report --rescore scores the kept latents with another k', async () => {
    const r = await runCli(['bench', 'report', '--out', out, '--rescore', '--knn-k', '3']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^rescored knnAccuracy, logisticAccuracy, nmi, purity, latentNll, altLatentNll of 2 cells from their kept latents \(kNN k 3;/m);
    const again = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
    const ddvi = again.cells.find((c) => c.cell.family === 'ddvi')!;
    const kept = readLatentFile(join(out, `latents/${ddvi.id}.npz`));
    expect(ddvi.metrics.knnAccuracy).toBe(
      knnAccuracy({ trainX: { data: kept.trainZ, dim: 2 }, trainY: kept.trainY!, testX: { data: kept.testZ, dim: 2 }, testY: kept.testY!, k: 3 }),
    );
    expect(ddvi.metrics.elbo).toBeNull();
    const misuse = await runCli(['bench', 'report', '--out', out, '--knn-k', '3']);
    expect(misuse.code).toBe(1);
    expect(misuse.stderr).toContain('--knn-k changes a rescoring: add --rescore');
  });
});

describe('the reference preset\'s per-family warm-ups', () => {
  it('are 80% of the epochs, rescaled by --epochs; a --config file that changes the epochs drops them, as the global one', () => {
    expect(resolveBench({ preset: 'reference' }).config.familySettings!.gaussian!.klWarmup).toBe(160);
    expect(resolveBench({ preset: 'reference', epochs: '50' }).config.familySettings!.iaf!.klWarmup).toBe(40);
    const file = join(tmp.dir, 'epochs.json');
    writeFileSync(file, JSON.stringify({ epochs: 10 }));
    const fromFile = resolveBench({ preset: 'reference', config: file }).config.familySettings!;
    expect(fromFile.gaussian!.klWarmup).toBe(0);
    expect(fromFile.ddvi!.beta).toBe(2.352);
    // The preset's own object is never changed by a resolution.
    expect(REFERENCE_SETTINGS.familySettings!.gaussian!.klWarmup).toBe(160);
  });
});
