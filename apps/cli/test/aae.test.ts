import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_DENSITY } from '../src/metrics';
import type { RunMetrics } from '../src/metrics';
import { runCli, tempDir } from './helpers';
import type { CliResult } from './helpers';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const out = join(tmp.dir, 'aae-run');

/** A tiny adversarial run on the toy dataset: small encoder, decoder and discriminator, 2 epochs. */
const TINY = [
  '--posterior', 'aae', '--dataset', 'toy', '--hidden', '32,32', '--train-limit', '256', '--test-limit', '128', '--batch-size', '64', '--lr', '1e-3',
];

describe('ddvi train --posterior aae (a family without a density)', () => {
  let run: CliResult;
  beforeAll(async () => {
    run = await runCli(['train', ...TINY, '--posterior-config', '{"discriminatorHidden":[32,32]}', '--iwae-k', '5', '--epochs', '2', '--out', out]);
  });

  it('trains on the reconstruction, logs both players per epoch, and says the density metrics do not apply', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/objective reconstruction, seed 0$/m);
    expect(run.stdout).toContain(`note: the aae family has no tractable density`);
    expect(run.stdout).toMatch(/^epoch 2\/2 \| train rec -?\d+\.\d+ discriminator \d+\.\d+ discriminatorAccuracy \d\.\d+ generator \d+\.\d+ \| test rec -?\d+\.\d+ \| \S+$/m);
    expect(run.stdout).toMatch(/^final test ELBO: n\/a \(no tractable density\) \(rec -?\d+\.\d+\)$/m);
    expect(run.stdout).toMatch(/^test IWAE bound: n\/a \(no tractable density\); --iwae-k 5 ignored$/m);
  });

  it('marks ELBO and IWAE n/a in metrics.json and metrics.md, never a number', () => {
    for (const f of ['checkpoint.json', 'metrics.json', 'metrics.md', 'latent.png', 'samples.png']) expect(existsSync(join(out, f)), f).toBe(true);
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as RunMetrics;
    expect(m.final).toMatchObject({ elbo: null, iwae: null, densityMetrics: NO_DENSITY });
    expect(m.final.test.bound).toBeUndefined();
    expect(Number.isFinite(m.final.test.reconstruction)).toBe(true);
    for (const r of m.history) expect(Object.keys(r.train)).toEqual(expect.arrayContaining(['discriminator', 'generator', 'discriminatorAccuracy']));
    const md = readFileSync(join(out, 'metrics.md'), 'utf8');
    expect(md).toContain(`| test ELBO | ${NO_DENSITY} |`);
    expect(md).toContain(`| test IWAE bound | ${NO_DENSITY} |`);
    expect(md).toMatch(/\| test reconstruction E\[log p\(x\\\|z\)\] \| -?\d/);
  });

  it('eval reports the reconstruction and marks ELBO and IWAE n/a', async () => {
    const r = await runCli(['eval', '--checkpoint', join(out, 'checkpoint.json'), '--iwae-k', '3']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^test ELBO: n\/a \(no tractable density\) \(rec -?\d+\.\d+\)$/m);
    expect(r.stdout).toMatch(/^test IWAE bound: n\/a \(no tractable density\); --iwae-k 3 ignored$/m);
    const e = JSON.parse(readFileSync(join(out, 'eval.json'), 'utf8'));
    expect(e).toMatchObject({ posterior: 'aae', elbo: null, iwae: null, densityMetrics: NO_DENSITY });
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as RunMetrics;
    expect(e.terms.reconstruction).toBeCloseTo(m.final.test.reconstruction!, 3);
  });

  it('a divergence (accuracy pinned) exits 2 with one line naming the epoch and the reason', async () => {
    // Tolerance 0.4999 with patience 1: any epoch whose mean accuracy is not exactly 0.5 counts as pinned.
    const config = '{"discriminatorHidden":[32,32],"divergencePatience":1,"divergenceTolerance":0.4999}';
    const r = await runCli(['train', ...TINY, '--posterior-config', config, '--iwae-k', '0', '--epochs', '2', '--out', join(tmp.dir, 'diverged')]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr.trim()).toMatch(/^error: training diverged at epoch 1: discriminator accuracy pinned at [01] for 1 epochs .*; no checkpoint was written yet$/);
  });
});
