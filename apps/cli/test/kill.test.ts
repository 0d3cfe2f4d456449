import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '@ddvi/core';
import { inspectCell } from '@ddvi/benchmarks';
import type { BenchResults, CellResult } from '@ddvi/benchmarks';
import { spawnCli as runCli, tempDir } from './helpers';
import type { Outcome } from './helpers';

/**
 * Fault injection: `ddvi train` and `ddvi bench` are killed with SIGKILL at seeded random points
 * (after the k-th line of output, k drawn from the seed), several times each, and resumed each
 * time. After every kill, each checkpoint and cell file on disk must verify (SHA-256); at the end
 * the numbers must equal those of an uninterrupted run with the same seed. Runs the built CLI
 * (turbo builds it before this package's tests) as a child process, so the kill is a real one.
 */

const KILLS = 3;
const SEED = Number(process.env.DDVI_SEED ?? 17);

/** mulberry32: the kill points of a run are a function of the seed alone. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Kills `args` KILLS times at seeded points (a run that finishes before its kill point just ends),
 * checking the files after each kill, then runs it to completion. Returns the outputs in order.
 */
async function killAndResume(args: string[], checkFiles: () => Promise<void>, random: () => number, maxLines: number): Promise<{ kills: number; outputs: Outcome[] }> {
  const outputs: Outcome[] = [];
  let kills = 0;
  for (let i = 0; i < KILLS; i++) {
    const at = 3 + Math.floor(random() * maxLines);
    const r = await runCli(args, at);
    outputs.push(r);
    if (r.signal === 'SIGKILL') kills++;
    else expect(r.code, r.stderr).toBe(0);
    await checkFiles();
  }
  const last = await runCli(args);
  expect(last.code, last.stderr).toBe(0);
  outputs.push(last);
  await checkFiles();
  return { kills, outputs };
}

const withoutTimes = (record: Record<string, unknown>) => ({ ...record, seconds: undefined });

describe('SIGKILL and resume (toy settings)', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it(`ddvi train killed ${KILLS} times ends with the numbers of an uninterrupted run`, async () => {
    const common = [
      'train', '--dataset', 'toy', '--posterior', 'gaussian', '--prior', 'pinwheel', '--epochs', '3', '--batch-size', '32',
      '--train-limit', '192', '--test-limit', '64', '--hidden', '16', '--checkpoint-every', '2', '--log-every', '1', '--iwae-k', '0', '--seed', '3',
    ];
    const refOut = join(tmp.dir, 'train-ref');
    const out = join(tmp.dir, 'train-killed');
    const checkpoint = join(out, 'checkpoint.json');
    const checkFiles = async () => {
      // loadCheckpoint verifies the SHA-256 and throws on a torn or altered file.
      if (existsSync(checkpoint)) await loadCheckpoint(checkpoint);
      if (existsSync(join(out, 'metrics.json'))) JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    };
    const [ref, killed] = await Promise.all([
      runCli([...common, '--out', refOut]),
      killAndResume([...common, '--out', out, '--resume'], checkFiles, rng(SEED), 22),
    ]);
    expect(ref.code, ref.stderr).toBe(0);
    console.log(`kill test (train): ${killed.kills} SIGKILLs at lines ${killed.outputs.map((o) => o.lines).join(', ')}, then resumed to the end`);
    expect(killed.kills).toBeGreaterThanOrEqual(2);
    expect(killed.outputs.at(-1)!.stdout).toMatch(/resuming from .*checkpoint\.json \(step \d+/);
    const a = JSON.parse(readFileSync(join(refOut, 'metrics.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(b.history.map(withoutTimes)).toEqual(a.history.map(withoutTimes));
    expect(b.final).toEqual(a.final);
    expect(b.steps.total).toBe(a.steps.total);
  });

  it(`ddvi bench killed ${KILLS} times ends with the numbers of an uninterrupted run, every cell file verified`, async () => {
    const common = [
      'bench', '--datasets', 'toy', '--families', 'gaussian', '--priors', 'pinwheel,square', '--seeds', '0,1', '--epochs', '1',
      '--batch-size', '32', '--train-limit', '96', '--test-limit', '48', '--hidden', '8', '--iwae-k', '4',
    ];
    const refOut = join(tmp.dir, 'bench-ref');
    const out = join(tmp.dir, 'bench-killed');
    const checkFiles = async () => {
      const dir = join(out, 'cells');
      if (!existsSync(dir)) return;
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
        const result = JSON.parse(readFileSync(join(dir, f), 'utf8')) as CellResult;
        expect(inspectCell(out, result.cell).state, f).toBe('done');
      }
      if (existsSync(join(out, 'results.json'))) JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    };
    const [ref, killed] = await Promise.all([
      runCli([...common, '--out', refOut]),
      killAndResume([...common, '--out', out], checkFiles, rng(SEED + 1), 18),
    ]);
    expect(ref.code, ref.stderr).toBe(0);
    console.log(`kill test (bench): ${killed.kills} SIGKILLs at lines ${killed.outputs.map((o) => o.lines).join(', ')}, then resumed to the end`);
    expect(killed.kills).toBeGreaterThanOrEqual(2);
    // A killed run leaves its lock behind; the next run takes it over because the pid is dead.
    expect(killed.outputs.some((o) => o.stdout.includes('note: took over the lock of'))).toBe(true);
    const numbers = (r: BenchResults) => r.cells.map((c) => ({ id: c.id, test: c.test, metrics: { ...c.metrics, wallSeconds: undefined, msPerStep: undefined } }));
    const a = JSON.parse(readFileSync(join(refOut, 'results.json'), 'utf8')) as BenchResults;
    const b = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
    expect(b.complete).toBe(true);
    expect(numbers(b)).toEqual(numbers(a));
    expect(readdirSync(join(out, 'cells')).filter((f) => f.endsWith('.claim'))).toEqual([]);
    expect(existsSync(join(out, '.ddvi-bench.lock'))).toBe(false);
  });
});
