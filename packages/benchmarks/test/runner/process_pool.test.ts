import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessPoolExecutor, freezeGrid, resolveBenchConfig } from '../../src/index';
import type { FrozenGrid } from '../../src/index';
import { TOY_FAMILY, registerToyFamily } from './toy_family';

// The pool's own logic with stand-in cell processes (the real `ddvi bench run-cell` processes are
// tested from the CLI, apps/cli/test/jobs.test.ts): failures name the cell and keep its log.

const dirs: string[] = [];
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'ddvi-pool-'));
  dirs.push(d);
  return d;
}
beforeAll(() => registerToyFamily());
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function frozen(out: string): Promise<FrozenGrid> {
  const config = resolveBenchConfig({ datasets: ['toy'], families: [TOY_FAMILY], priors: ['pinwheel', 'swiss_roll'], seeds: [3], epochs: 1, hidden: [8] });
  const grid = { config, backend: 'cpu' };
  await freezeGrid(out, grid, true);
  return grid;
}

describe('createProcessPoolExecutor', () => {
  it('stops starting cells after a process fails, naming the cell, its exit and its log', async () => {
    const out = temp();
    const grid = await frozen(out);
    const started: number[] = [];
    const pool = createProcessPoolExecutor({
      command: [process.execPath, '-e', 'console.log("cell process output"); process.exit(3)'], jobs: 1,
      hooks: { onCellStart: (i) => void started.push(i) },
    });
    await expect(pool.execute(out, grid, [0, 1])).rejects.toThrow(/cell 1\/2 \(.*\): its process exited with code 3; log .*cell-0\.log:\ncell process output/);
    expect(started).toEqual([1]);
    expect(readFileSync(join(out, 'logs', 'cell-0.log'), 'utf8')).toContain('cell process output');
  });

  it('appends to a cell\'s log: a second attempt keeps the first one\'s output, each under a dated header', async () => {
    const out = temp();
    const grid = await frozen(out);
    const attempt = (text: string) =>
      createProcessPoolExecutor({ command: [process.execPath, '-e', `console.log(${JSON.stringify(text)}); process.exit(3)`], jobs: 1 }).execute(out, grid, [0]);
    await expect(attempt('first attempt')).rejects.toThrow(/exited with code 3/);
    await expect(attempt('second attempt')).rejects.toThrow(/exited with code 3/);
    const log = readFileSync(join(out, 'logs', 'cell-0.log'), 'utf8');
    expect(log).toMatch(/^--- \d{4}-\d\d-\d\dT[^\n]*: bench run-cell --out .* --index 0\nfirst attempt\n--- [^\n]*: bench run-cell --out .* --index 0\nsecond attempt\n$/);
  });

  it('a process that exits 0 without writing the cell is a failure too', async () => {
    const out = temp();
    const grid = await frozen(out);
    const pool = createProcessPoolExecutor({ command: [process.execPath, '-e', ''], jobs: 2 });
    await expect(pool.execute(out, grid, [0, 1])).rejects.toThrow(/its process ended without a result file/);
  });

  it('rejects a jobs count below 1 and an empty command', () => {
    expect(() => createProcessPoolExecutor({ command: ['node'], jobs: 0 })).toThrow('process pool: jobs must be an integer >= 1, got 0');
    expect(() => createProcessPoolExecutor({ command: [], jobs: 2 })).toThrow(/command must name the program/);
  });
});
