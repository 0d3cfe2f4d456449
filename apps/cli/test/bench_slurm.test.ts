import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResults } from '@ddvi/benchmarks';
import { runCli, tempDir } from './helpers';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** One tiny toy cell, run locally: the folder status, report and run-cell read. */
const TINY = [
  '--datasets', 'toy', '--families', 'gaussian', '--priors', 'pinwheel', '--seeds', '0', '--epochs', '1', '--hidden', '8',
  '--train-limit', '64', '--test-limit', '32', '--batch-size', '32', '--iwae-k', '2', '--backend', 'cpu',
];

describe('ddvi bench: executor flags and the grid subcommands', () => {
  const out = join(tmp.dir, 'local');
  beforeAll(async () => {
    const r = await runCli(['bench', ...TINY, '--checkpoint-every', '1', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('a local run freezes its grid, so status and report work on it', async () => {
    const grid = JSON.parse(readFileSync(join(out, 'grid.json'), 'utf8')) as { backend: string; checkpointEverySteps: number };
    expect(grid).toMatchObject({ backend: 'cpu', checkpointEverySteps: 1 });
    const status = await runCli(['bench', 'status', '--out', out]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('1 cells; 1 done');
    const before = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
    const report = await runCli(['bench', 'report', '--out', out]);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain('1 of 1 cells');
    const after = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
    expect(after.cells).toEqual(before.cells);
    expect(after.backend.name).toBe('cpu');
    // The report names the kernels the cell recorded, not only the grid's frozen backend name.
    expect(after.cells[0]!.timing.kernels).toBe('cpu');
    expect(after.backend.kernels).toBe('cpu');
    expect(readFileSync(join(out, 'results.md'), 'utf8')).toContain('backend cpu.');
  });

  it('run-cell reads a finished cell back and names the valid task range', async () => {
    const again = await runCli(['bench', 'run-cell', '--out', out, '--index', '0']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('(done earlier; read back)');
    const bad = await runCli(['bench', 'run-cell', '--out', out, '--index', '3']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--index 3 with --cells-per-task 1 names no cell: the grid has 1 cells \(tasks 0-0\)/);
    const none = await runCli(['bench', 'run-cell', '--out', out], {});
    expect(none.stderr).toMatch(/--index is required/);
  });

  it('names the flag of a bad executor or Slurm option', async () => {
    const bad = join(tmp.dir, 'bad');
    const cases: [string[], RegExp][] = [
      [['--executor', 'pbs'], /--executor must be one of local, slurm, got "pbs"/],
      [['--executor', 'slurm', '--time', '2h'], /--time \(or the --config key slurm\.time\): .*time must be a Slurm time limit/],
      [['--executor', 'slurm', '--mem', 'lots'], /--mem \(or the --config key slurm\.mem\)/],
      [['--executor', 'slurm', '--cpus-per-task', '0'], /--cpus-per-task must be an integer >= 1, got 0/],
      [['--executor', 'slurm', '--sbatch', 'qos=low'], /--sbatch \(or the --config key slurm\.extra\): .*starting with "-"/],
      [['--checkpoint-every', '0'], /--checkpoint-every must be an integer >= 1/],
    ];
    for (const [flags, message] of cases) {
      const r = await runCli(['bench', ...TINY, ...flags, '--out', bad]);
      expect(r.code, flags.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
    }
    const file = join(tmp.dir, 'slurm-config.json');
    writeFileSync(file, JSON.stringify({ slurm: { partition: 'cpu', nodes: 4 } }));
    const cfg = await runCli(['bench', ...TINY, '--config', file, '--executor', 'slurm', '--out', bad]);
    expect(cfg.stderr).toMatch(/slurm options: nodes must be one of the known keys/);
    // The file's keys are the bench config's plus slurm: a misspelling of either gets a suggestion.
    writeFileSync(file, JSON.stringify({ slurn: { partition: 'cpu' } }));
    const typo = await runCli(['bench', ...TINY, '--config', file, '--out', bad]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/unknown key "slurn"; did you mean "slurm"\? \(known keys: families, .*baselines, genotypes, .*slurm\)/);
  });

  it('status, resume and report ask for a folder that holds a grid', async () => {
    for (const sub of ['status', 'resume', 'report']) {
      const missing = await runCli(['bench', sub]);
      expect(missing.stderr, sub).toMatch(/--out must name the results folder/);
      const empty = await runCli(['bench', sub, '--out', join(tmp.dir, 'nothing-here')]);
      expect(empty.code).toBe(1);
      expect(empty.stderr, sub).toMatch(/grid\.json: cannot read the frozen grid \(no such file\)/);
    }
  });
});
