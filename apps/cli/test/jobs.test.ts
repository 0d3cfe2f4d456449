import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchResults } from '@ddvi/benchmarks';
import { spawnCli, tempDir } from './helpers';

/**
 * `ddvi bench --jobs 2` computes cells two at a time, each in a `bench run-cell` process of its own:
 * the report must hold the numbers of the one-process run, cell for cell. Real processes (the built
 * CLI), as a user runs it.
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());

const metricsOf = (out: string) => {
  const r = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
  return Object.fromEntries(r.cells.map((c) => [c.id, c.metrics]));
};
const withoutTimes = (m: Record<string, Record<string, unknown>>) =>
  Object.fromEntries(Object.entries(m).map(([id, v]) => [id, { ...v, msPerStep: undefined, wallSeconds: undefined, trainSeconds: undefined }]));

describe('ddvi bench --jobs', () => {
  it('two cell processes give the one-process numbers, cell for cell, and keep a log per cell', async () => {
    const grid = [
      'bench', '--datasets', 'toy', '--families', 'gaussian', '--priors', 'pinwheel,square', '--seeds', '0,1', '--epochs', '1',
      '--batch-size', '32', '--train-limit', '96', '--test-limit', '48', '--hidden', '8', '--iwae-k', '4',
    ];
    const serial = join(tmp.dir, 'serial');
    const parallel = join(tmp.dir, 'parallel');
    const one = await spawnCli([...grid, '--out', serial]);
    expect(one.code, one.stderr).toBe(0);
    const two = await spawnCli([...grid, '--out', parallel, '--jobs', '2']);
    expect(two.code, two.stderr).toBe(0);
    expect(two.stdout).toMatch(/with --jobs 2 if 2 cores are idle/);
    expect(two.stdout).toMatch(/\(4 computed, 0 read back\)/);
    const a = metricsOf(serial);
    expect(Object.keys(a)).toHaveLength(4);
    expect(withoutTimes(metricsOf(parallel))).toEqual(withoutTimes(a));
    for (let i = 0; i < 4; i++) expect(existsSync(join(parallel, 'logs', `cell-${i}.log`))).toBe(true);
    // A rerun reads every cell back and starts no process.
    const again = await spawnCli([...grid, '--out', parallel, '--jobs', '2']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/\(0 computed, 4 read back\)/);
  }, 240_000);

  it('refuses --jobs with the Slurm executor and a jobs count below 1', async () => {
    const slurm = await spawnCli(['bench', '--executor', 'slurm', '--jobs', '2', '--out', join(tmp.dir, 'x')]);
    expect(slurm.code).toBe(1);
    expect(slurm.stderr).toMatch(/--jobs runs cells side by side on this machine/);
    const zero = await spawnCli(['bench', '--jobs', '0', '--out', join(tmp.dir, 'y')]);
    expect(zero.code).toBe(1);
    expect(zero.stderr).toMatch(/--jobs/);
  }, 60_000);
});
