import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticCifar10 } from '@ddvi/benchmarks';
import type { BenchResults } from '@ddvi/benchmarks';
import { listPosteriors } from '@ddvi/core';
import { runCli, tempDir } from './helpers';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const data = join(tmp.dir, 'cifar');
const URL_HINT = 'https://www.cs.toronto.edu/~kriz/cifar.html';

/** The CIFAR path at toy size: generated files in the binary format, every family on the conv nets, one step per epoch. */
/**
 * The families the CLI ships (src/families.ts), named: the registry of this test worker can also hold
 * a fixture family registered by another test file (--require), and `semi` is a wrapper, not a family.
 */
const SHIPPED = ['aae', 'ddvi', 'gaussian', 'hiaf', 'iaf', 'maf', 'realnvp'];

const TINY = [
  '--datasets', 'cifar10', '--families', SHIPPED.join(','), '--data-dir', data, '--priors', 'pinwheel', '--seeds', '0', '--epochs', '1', '--hidden', '16',
  '--train-limit', '40', '--test-limit', '20', '--batch-size', '40', '--iwae-k', '2',
];

beforeAll(async () => {
  await writeSyntheticCifar10(data, { trainSize: 50, testSize: 20, seed: 3 });
});

describe('ddvi bench / train on CIFAR-10 files (generated stand-in, toy size)', () => {
  it('a missing or empty --data-dir fails before any work, saying where to get the files', async () => {
    const empty = join(tmp.dir, 'empty');
    mkdirSync(empty);
    const out = join(tmp.dir, 'no-data');
    const bad = await runCli(['bench', '--datasets', 'cifar10', '--data-dir', empty, '--out', out]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(URL_HINT);
    expect(bad.stderr).toContain('CIFAR-10 binary version');
    expect(existsSync(join(out, 'cells'))).toBe(false);
    const none = await runCli(['bench', '--datasets', 'cifar10', '--out', join(tmp.dir, 'no-dir')]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no data folder given \(--data-dir DIR\).*cifar-smoke/s);
    expect(none.stderr).toContain(URL_HINT);
    const train = await runCli(['train', '--dataset', 'cifar10', '--out', join(tmp.dir, 'train-none')]);
    expect(train.code).toBe(1);
    expect(train.stderr).toContain('--dataset cifar10 needs --data-dir DIR');
  });

  it('bench runs every family the CLI ships end to end on the conv nets', async () => {
    const out = join(tmp.dir, 'bench');
    const r = await runCli(['bench', ...TINY, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
    expect(results.cells.map((c) => c.cell.family).sort()).toEqual([...SHIPPED].sort());
    expect(listPosteriors({ wrappers: false })).toEqual(expect.arrayContaining(SHIPPED));
    for (const c of results.cells) {
      expect(c.data.dataSize).toBe(3072);
      expect(c.steps.total).toBe(1);
      // Gaussian likelihood with sigma^2 = 1/2 on 3,072 pixels in [0, 1]: -log p(x|z) = SSE + 1536 log(pi) >= 1758.3 nats.
      if (c.capabilities.hasDensity) {
        expect(Number.isFinite(c.metrics.elbo)).toBe(true);
        expect(c.metrics.elbo!).toBeLessThan(-1536 * Math.log(Math.PI));
      } else expect(c.metrics.elbo).toBeNull();
    }
    expect(readFileSync(join(out, 'results.md'), 'utf8')).toMatch(/^\| ddvi \| pinwheel \|/m);
  }, 600_000);

  it('train --dataset cifar10 writes a checkpoint whose model and posterior use the conv nets', async () => {
    const out = join(tmp.dir, 'train');
    const r = await runCli([
      'train', '--dataset', 'cifar10', '--data-dir', data, '--posterior', 'ddvi', '--epochs', '1', '--hidden', '16', '--train-limit', '40',
      '--test-limit', '20', '--batch-size', '40', '--iwae-k', '2', '--out', out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { config: { likelihood: string; trunk: unknown } };
    expect(metrics.config.likelihood).toBe('gaussian');
    expect(metrics.config.trunk).toEqual({ kind: 'conv', shape: [3, 32, 32] });
    const ev = await runCli(['eval', '--checkpoint', join(out, 'checkpoint.json'), '--iwae-k', '2']);
    expect(ev.code, ev.stderr).toBe(0);
  }, 300_000);
});
