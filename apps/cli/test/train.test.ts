import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngSize } from '../src/plots/png';
import type { RunMetrics } from '../src/metrics';
import { runCli, tempDir } from './helpers';
import type { CliResult } from './helpers';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const out = join(tmp.dir, 'toy-run');

/** A tiny run on the toy dataset: small networks, a few hundred examples, 2 epochs. */
const TINY = ['--dataset', 'toy', '--hidden', '32,32', '--train-limit', '256', '--test-limit', '128', '--batch-size', '64', '--lr', '1e-3', '--iwae-k', '5'];

function metrics(dir = out): RunMetrics {
  return JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as RunMetrics;
}

describe('ddvi train end to end (toy data)', () => {
  let first: CliResult;
  beforeAll(async () => {
    first = await runCli(['train', ...TINY, '--epochs', '2', '--out', out]);
  });

  it('exits 0 and reports progress, the final bounds and the files', () => {
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/^backend: \w+( \+ [^(]+)? \(.+\)$/m);
    expect(first.stdout).toMatch(/^epoch 1\/2 step \d+\/4 \(\d+\/8\) \| bound -?\d+\.\d+ rec -?\d+\.\d+ kl -?\d+\.\d+ \| \d+ ms\/step \| ETA \S+$/m);
    expect(first.stdout).toMatch(/^epoch 2\/2 \| train bound .* \| test bound -?\d+\.\d+ rec .* kl .* \| \S+$/m);
    expect(first.stdout).toMatch(/^final test ELBO: -?\d+\.\d+ nats/m);
    expect(first.stdout).toMatch(/^test IWAE bound \(k = 5, 128 examples\): -?\d+\.\d+ nats/m);
  });

  it('writes checkpoint, metrics and plots', () => {
    for (const f of ['checkpoint.json', 'run.json', 'metrics.json', 'metrics.md', 'latent.svg', 'latent.png', 'samples.png', 'samples.svg']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const m = metrics();
    expect(m.history).toHaveLength(2);
    expect(m.steps).toMatchObject({ total: 8, perEpoch: 4, ranNow: 8, resumedFrom: null });
    expect(Number.isFinite(m.final.elbo)).toBe(true);
    expect(m.final.elbo).toBe(m.history[1]!.test!.bound);
    expect(m.final.iwae).toMatchObject({ k: 5, examples: 128 });
    expect(Number.isFinite(m.final.iwae!.bound)).toBe(true);
    expect(m.final.iwae!.bound).toBeGreaterThan(m.final.elbo! - 5);
    expect(m.timing.msPerStep).toBeGreaterThan(0);
    expect(m.config).toMatchObject({ dataset: 'toy', posterior: 'gaussian', prior: 'pinwheel', epochs: 2, hidden: [32, 32] });
    expect(m.backend.name).toMatch(/wasm|cpu|tensorflow/);
    // The kernels that ran, in metrics and run.json: 'wasm', or 'wasm + OpenBLAS 0.3.21, 1 thread' with @ddvi/backend-blas.
    expect(m.backend.kernels).toMatch(/^(wasm|cpu|tensorflow)( \+ .+)?$/);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).backend.kernels).toBe(m.backend.kernels);
    const md = readFileSync(join(out, 'metrics.md'), 'utf8');
    expect(md).toContain('| test ELBO |');
    expect(md).toMatch(/\| 2 \| train \| -?\d/);
  });

  it('draws the latents as an SVG with a legend and a valid PNG', () => {
    const size = pngSize(readFileSync(join(out, 'latent.png')));
    expect(size?.width).toBeGreaterThan(400);
    const svg = readFileSync(join(out, 'latent.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('prior sample');
    expect(svg).toContain('prior class');
    // 20 x 20 tiles of 8 x 8 toy "images", scaled up to at least 420 px.
    expect(pngSize(readFileSync(join(out, 'samples.png')))).toEqual({ width: 480, height: 480 });
  });

  it('--resume continues the run from its checkpoint', async () => {
    const r = await runCli(['train', ...TINY, '--epochs', '3', '--out', out, '--resume']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/resuming from .*checkpoint\.json \(step 8, epoch 2\)/);
    expect(r.stdout).toMatch(/^epoch 3\/3 \| train/m);
    expect(r.stdout).not.toMatch(/^epoch 1\/3 \| train/m);
    const m = metrics();
    expect(m.history.map((h) => h.epoch)).toEqual([0, 1, 2]);
    expect(m.steps).toMatchObject({ total: 12, ranNow: 4, resumedFrom: 8 });
  });

  it('eval rebuilds model and posterior from the checkpoint', async () => {
    const r = await runCli(['eval', '--checkpoint', join(out, 'checkpoint.json'), '--iwae-k', '3']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^test ELBO: -?\d+\.\d+ nats/m);
    expect(r.stdout).toMatch(/^test IWAE bound \(k = 3\): -?\d+\.\d+ nats/m);
    const e = JSON.parse(readFileSync(join(out, 'eval.json'), 'utf8'));
    expect(e).toMatchObject({ dataset: 'toy', step: 12, posterior: 'gaussian', test: { size: 128 }, iwae: { k: 3 } });
    // Same seed, same examples, same weights: the ELBO matches the run's last evaluation.
    expect(e.elbo).toBeCloseTo(metrics().final.elbo!, 3);
  });

  it('trains on the square prior as the bench does, against its smoothed density (the exact one is -inf beyond the corners)', async () => {
    const dir = join(tmp.dir, 'square');
    const r = await runCli(['train', ...TINY, '--prior', 'square', '--posterior', 'iaf', '--epochs', '3', '--out', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(Number.isFinite(metrics(dir).final.elbo)).toBe(true);
    const saved = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'));
    expect(saved.payload.model.config.priorOptions).toEqual(expect.objectContaining({ alongStd: expect.any(Number) }));
    const e = await runCli(['eval', '--checkpoint', join(dir, 'checkpoint.json'), '--iwae-k', '2']);
    expect(e.code, e.stderr).toBe(0);
  });

  it('refuses to resume with a different architecture, and to replace an unfinished run', async () => {
    const other = await runCli(['train', ...TINY, '--epochs', '3', '--out', out, '--resume', '--prior', 'gaussian']);
    expect(other.code).toBe(1);
    expect(other.stderr.trim()).toMatch(/^error: .*cannot resume: the checkpoint's prior \(--prior\) is "pinwheel", this run asks for "gaussian"$/);
    const unfinished = await runCli(['train', ...TINY, '--epochs', '5', '--out', out, '--resume', '--steps-per-epoch', '2']);
    expect(unfinished.code).toBe(1);
    expect(unfinished.stderr).toMatch(/cannot resume: checkpoint has stepsPerEpoch = 4, this run has 2/);
  });

  it('a corrupt checkpoint stops --resume with one line', async () => {
    const dir = join(tmp.dir, 'corrupt-run');
    const ok = await runCli(['train', ...TINY, '--epochs', '1', '--iwae-k', '0', '--out', dir]);
    expect(ok.code, ok.stderr).toBe(0);
    const path = join(dir, 'checkpoint.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"step":4', '"step":5'));
    const r = await runCli(['train', ...TINY, '--epochs', '2', '--iwae-k', '0', '--out', dir, '--resume']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^error: .*checkpoint\.json: checksum mismatch .*the file is corrupt$/);
    const fresh = await runCli(['train', ...TINY, '--epochs', '2', '--iwae-k', '0', '--out', dir]);
    expect(fresh.code).toBe(1);
    expect(fresh.stderr).toMatch(/already holds a checkpoint that cannot be read .*pass --overwrite/);
  });

  it('a diverging run exits 2, names step and term, and keeps the last good checkpoint', async () => {
    const dir = join(tmp.dir, 'nan-run');
    const r = await runCli(['train', ...TINY, '--epochs', '2', '--lr', '1e30', '--checkpoint-every', '1', '--out', dir]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    const line = r.stderr.trim();
    expect(line).toMatch(/^error: training stopped: non-finite value at step \d+: .+ = (NaN|-?Infinity)(, caused by .+)?; the last good checkpoint is kept at .*checkpoint\.json$/);
    expect(existsSync(join(dir, 'checkpoint.json'))).toBe(true);
  });

  it('--out naming an existing file is refused before any training, with one line', async () => {
    const file = join(tmp.dir, 'a-file');
    writeFileSync(file, 'not a folder');
    for (const out of [file, join(file, 'run')]) {
      const r = await runCli(['train', ...TINY, '--epochs', '1', '--out', out]);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stderr.trim()).toMatch(/^error: --out must name a folder \(created when missing\), but .*a-file.* is a file; choose another --out or remove the file$/);
      expect(r.stdout).toBe('');
    }
    expect(readFileSync(file, 'utf8')).toBe('not a folder');
  });

  it('a batch that cannot fit in memory is refused up front with the estimate', async () => {
    const dir = join(tmp.dir, 'too-big');
    process.env.DDVI_MEMORY_LIMIT = '300K';
    try {
      const r = await runCli(['train', ...TINY, '--epochs', '1', '--out', dir]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toMatch(
        /^error: training would need about [\d.]+ KiB of memory \(parameters with gradients and Adam state .*, activations for batch 64 .* per example, data .*\), but only 300 KiB is available of .* \(DDVI_MEMORY_LIMIT=300K\); lower --batch-size to at most \d+$/,
      );
      expect(r.stdout).not.toMatch(/^epoch /m);
      expect(existsSync(join(dir, 'checkpoint.json'))).toBe(false);
    } finally {
      delete process.env.DDVI_MEMORY_LIMIT;
    }
  });
});
