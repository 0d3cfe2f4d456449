import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResults } from '@ddvi/benchmarks';
import { runCli, tempDir } from './helpers';
import type { CliResult } from './helpers';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const out = join(tmp.dir, 'bench');

/** A tiny grid on the toy dataset: two families, one prior, one seed, small networks, 1 epoch. */
const TINY = [
  '--datasets', 'toy', '--families', 'aae,gaussian', '--priors', 'pinwheel', '--seeds', '0', '--epochs', '1', '--hidden', '16',
  '--train-limit', '128', '--test-limit', '64', '--batch-size', '64', '--iwae-k', '3', '--backend', 'cpu',
];

describe('ddvi bench end to end (toy data)', () => {
  let first: CliResult;
  beforeAll(async () => {
    first = await runCli(['bench', ...TINY, '--out', out]);
  }, 240_000);

  it('runs the grid, reporting each cell, and writes the reports and plots', () => {
    expect(first.code, first.stderr).toBe(0);
    // The calibrated estimate comes before the first cell.
    const estimate = first.stdout.search(/^estimated time of the grid: ~\S+ /m);
    expect(estimate).toBeGreaterThanOrEqual(0);
    expect(estimate).toBeLessThan(first.stdout.indexOf('cell 1/2'));
    expect(first.stdout).toMatch(/^ {2}ms\/step: toy\/aae\/pinwheel \d+ x 2 steps x 1 cells; toy\/gaussian\/pinwheel \d+ x 2 steps x 1 cells$/m);
    expect(first.stdout).toMatch(/^ {2}evaluation per cell: toy\/aae\/pinwheel \S+; toy\/gaussian\/pinwheel \S+$/m);
    expect(first.stdout).toMatch(/^cell 1\/2: toy, aae posterior, pinwheel prior, seed 0$/m);
    expect(first.stdout).toMatch(/^cell 2\/2: toy, gaussian posterior, pinwheel prior, seed 0$/m);
    expect(first.stdout).toMatch(/^cell 2\/2 done in .*ELBO -?\d+\.\d+/m);
    expect(first.stdout).toMatch(/^cell 1\/2 done in .*ELBO n\/a/m);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
    expect(results.cells.map((c) => c.cell.family)).toEqual(['aae', 'gaussian']);
    expect(results.versions['@ddvi/cli']).toBeDefined();
    const md = readFileSync(join(out, 'results.md'), 'utf8');
    expect(md).toMatch(/^\| aae \| pinwheel \| 1 \| n\/a \| n\/a \|/m);
    expect(md).toContain('**');
    for (const c of results.cells) for (const f of c.files) expect(existsSync(join(out, f)), f).toBe(true);
    expect(results.cells[0]!.files.some((f) => f.endsWith('.png'))).toBe(true);
    // The whole grid's progress, and the contact sheet of both cells' plots.
    expect(first.stdout).toMatch(/^grid: 1\/2 cells done, elapsed \S+, ETA \S+$/m);
    expect(first.stdout).toMatch(/^grid: 2\/2 cells done, elapsed \S+, ETA 0s$/m);
    expect(readFileSync(join(out, 'contact_sheet.svg'), 'utf8').match(/<svg /g)).toHaveLength(3);
  });

  it('a rerun reads the finished cells back instead of training', async () => {
    const again = await runCli(['bench', ...TINY, '--out', out]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('cell 1/2: toy, aae posterior, pinwheel prior, seed 0 (done earlier; read back)');
    expect(again.stdout).not.toMatch(/^epoch /m);
    expect(again.stdout).toContain('estimated time of the grid: none left (every cell finished earlier)');
    expect(again.stdout).toContain('(0 computed, 2 read back)');
  });

  it('names the parameter of a bad flag or config', async () => {
    const bad = await runCli(['bench', '--families', 'nope', '--out', join(tmp.dir, 'bad')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--families/);
    const seeds = await runCli(['bench', '--seeds', 'x', '--out', join(tmp.dir, 'bad')]);
    expect(seeds.stderr).toMatch(/--seeds/);
    const file = join(tmp.dir, 'config.json');
    writeFileSync(file, JSON.stringify({ epochs: -1 }));
    const cfg = await runCli(['bench', '--config', file, '--out', join(tmp.dir, 'bad')]);
    expect(cfg.code).toBe(1);
    expect(cfg.stderr).toContain(`error: --config ${file}: epochs must be an integer >= 1, got -1`);
    writeFileSync(file, JSON.stringify({ batchsize: 32 }));
    const typo = await runCli(['bench', '--config', file, '--out', join(tmp.dir, 'bad')]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain(`error: --config ${file}: unknown key "batchsize"; did you mean "batchSize"?`);
    const preset = await runCli(['bench', '--preset', 'slow']);
    expect(preset.stderr).toMatch(/--preset/);
  });
});
