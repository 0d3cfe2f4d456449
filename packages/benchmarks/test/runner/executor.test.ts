import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  METRICS, SlurmClient, SlurmError, arraySpec, cellId, cellPath, cellsToResubmit, collectReport, createSlurmExecutor, expandGrid, freezeGrid,
  gridStatus, legacyPartialCheckpointPath, partialCheckpointPath, readFrozenGrid, readSubmissions, resolveBenchConfig, resolveSlurmOptions, runBenchmark,
  runCellByIndex, runGridTask, taskCells, writeCell, acquireFolderLock, claimCell, claimPath,
} from '../../src/index';
import type { BenchConfig, BenchResults, Cell, CellResult, CommandRunner, FrozenGrid } from '../../src/index';
import { loadCheckpoint, saveCheckpoint } from '@ddvi/core';
import { TOY_FAMILY, registerToyFamily } from './toy_family';

const TOOL = { name: 'test', version: '0.0.0' };
const BACKEND = { name: 'cpu', reason: 'test' };

function tinyConfig(extra: Partial<BenchConfig> = {}): BenchConfig {
  return resolveBenchConfig({
    datasets: ['toy'], families: [TOY_FAMILY], priors: ['pinwheel', 'swiss_roll'], seeds: [3], epochs: 2, batchSize: 32, learningRate: 1e-2,
    trainLimit: 96, testLimit: 48, hidden: [8], iwaeK: 4, knnK: 5, latentNllSamples: 200, ...extra,
  });
}

/** Everything measured but the timings, which differ between runs. */
function numbers(results: BenchResults): unknown[] {
  return results.cells.map((c) => ({ id: c.id, metrics: { ...c.metrics, wallSeconds: 0, msPerStep: 0 }, test: c.test, steps: c.steps, files: c.files }));
}

const dirs: string[] = [];
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'ddvi-executor-'));
  dirs.push(d);
  return d;
}
beforeAll(() => registerToyFamily());
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

class Interrupt extends Error {}

describe('runCellByIndex: the one cell path of every executor', () => {
  let reference: BenchResults;
  beforeAll(async () => {
    reference = (await runBenchmark({ config: tinyConfig(), out: temp(), tool: TOOL, backend: BACKEND })).results;
  });

  it('a cell killed mid-training resumes its partial checkpoint and ends with the uninterrupted numbers (exact)', async () => {
    const out = temp();
    const config = tinyConfig();
    const grid: FrozenGrid = { config, checkpointEverySteps: 1 };
    await freezeGrid(out, grid, false);
    const cell = expandGrid(config)[1]!;
    let checkpoints = 0;
    let resumedAt: number | undefined;
    // The "kill": an exception after the second checkpoint (step 2 of 6), as SIGKILL would leave it.
    await expect(
      runCellByIndex({
        config, out, index: 1, checkpointEverySteps: 1,
        hooks: { onTrainEvent: (_c, e) => { if (e.type === 'checkpoint' && ++checkpoints === 2) throw new Interrupt('killed'); } },
      }),
    ).rejects.toThrow(Interrupt);
    expect(existsSync(partialCheckpointPath(out, cell))).toBe(true);
    expect(existsSync(cellPath(out, cell))).toBe(false);
    // Task 1 of a one-cell-per-task array: the same cell, resumed.
    const [outcome] = await runGridTask({
      out, grid: readFrozenGrid(out), task: 1, cellsPerTask: 1,
      hooks: { onTrainEvent: (_c, e) => { if (e.type === 'start') resumedAt = e.resumedAtStep; } },
    });
    expect(resumedAt).toBe(2);
    expect(outcome!.cached).toBe(false);
    expect(existsSync(partialCheckpointPath(out, cell))).toBe(false);
    await runGridTask({ out, grid: readFrozenGrid(out), task: 0, cellsPerTask: 1 });
    const { results, missing } = await collectReport({ config, out, tool: TOOL, backend: BACKEND });
    expect(missing).toEqual([]);
    expect(numbers(results)).toEqual(numbers(reference));
  });

  it('resumes the JSON partial checkpoint an older version left (<cell>.checkpoint.json), then removes it', async () => {
    const out = temp();
    const config = tinyConfig();
    const cell = expandGrid(config)[1]!;
    let checkpoints = 0;
    await expect(
      runCellByIndex({
        config, out, index: 1, checkpointEverySteps: 1,
        hooks: { onTrainEvent: (_c, e) => { if (e.type === 'checkpoint' && ++checkpoints === 2) throw new Interrupt('killed'); } },
      }),
    ).rejects.toThrow(Interrupt);
    // What an older version wrote: the same payload, JSON text, under the old name.
    const legacy = legacyPartialCheckpointPath(out, cell);
    await saveCheckpoint(legacy, await loadCheckpoint(partialCheckpointPath(out, cell)));
    rmSync(partialCheckpointPath(out, cell));
    expect(readFileSync(legacy, 'utf8').startsWith('{')).toBe(true);
    let resumedAt: number | undefined;
    const outcome = await runCellByIndex({
      config, out, index: 1, checkpointEverySteps: 1,
      hooks: { onTrainEvent: (_c, e) => { if (e.type === 'start') resumedAt = e.resumedAtStep; } },
    });
    expect(resumedAt).toBe(2);
    expect(existsSync(legacy)).toBe(false);
    expect(existsSync(partialCheckpointPath(out, cell))).toBe(false);
    const expected = reference.cells.find((c) => c.id === cellId(cell))!;
    expect(numbers({ ...reference, cells: [outcome.result] })).toEqual(numbers({ ...reference, cells: [expected] }));
  });

  it('names the valid range of a bad index or task', async () => {
    const out = temp();
    await expect(runCellByIndex({ config: tinyConfig(), out, index: 2 })).rejects.toThrow(/index must be an integer in \[0, 1\].*got 2/);
    await expect(runGridTask({ out, grid: { config: tinyConfig() }, task: 1, cellsPerTask: 2 })).rejects.toThrow(/--index 1 .* names no cell.*tasks 0-0/);
  });

  it('a corrupt cell file is reported and recomputed; a claimed cell is waited for; a folder lock does not block it', async () => {
    const out = temp();
    const config = tinyConfig();
    const cell = expandGrid(config)[0]!;
    // A local driver holds the folder: run-cell (the Slurm path) must still proceed.
    const lock = acquireFolderLock(out, 'another driver');
    try {
      await runCellByIndex({ config, out, index: 0 });
    } finally {
      lock.release();
    }
    const good = readFileSync(cellPath(out, cell), 'utf8');
    writeFileSync(cellPath(out, cell), good.replace(/"wallSeconds": [0-9.e-]+/, '"wallSeconds": 12345'));
    const corrupt: string[] = [];
    const again = await runCellByIndex({ config, out, index: 0, hooks: { onCellCorrupt: (_c, reason) => corrupt.push(reason) } });
    expect(corrupt).toHaveLength(1);
    expect(corrupt[0]).toMatch(/checksum mismatch/);
    expect(again.cached).toBe(false);
    expect((await runCellByIndex({ config, out, index: 0 })).cached).toBe(true);
    // Recomputed: the same numbers as the reference run (timings aside), and a file that verifies again.
    expect({ ...again.result.metrics, wallSeconds: 0, msPerStep: 0 }).toEqual({ ...reference.cells[0]!.metrics, wallSeconds: 0, msPerStep: 0 });
    expect(again.result.test).toEqual(reference.cells[0]!.test);
    // A live claim on cell 1 (this process, another "writer"): the call waits until it is released.
    const claim = claimCell(out, expandGrid(config)[1]!, { command: 'other writer' });
    if (!('claimed' in claim)) throw new Error('expected to claim cell 1');
    const busy: string[] = [];
    const pending = runCellByIndex({ config, out, index: 1, pollMs: 20, hooks: { onCellBusy: (_c, held) => busy.push(held) } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(busy).toHaveLength(1);
    expect(busy[0]).toMatch(/other writer/);
    expect(existsSync(cellPath(out, expandGrid(config)[1]!))).toBe(false);
    claim.claimed.release();
    const outcome = await pending;
    expect(outcome.cached).toBe(false);
    expect(outcome.result.test).toEqual(reference.cells[1]!.test);
    expect(existsSync(claimPath(out, expandGrid(config)[1]!))).toBe(false);
  });

  it('collectReport reports what is done and lists what is missing', async () => {
    const out = temp();
    const config = tinyConfig();
    await runCellByIndex({ config, out, index: 0 });
    const { results, missing } = await collectReport({ config, out, tool: TOOL, backend: BACKEND });
    expect(results.complete).toBe(false);
    expect(results.cells.map((c) => c.id)).toEqual([reference.cells[0]!.id]);
    expect(missing).toEqual([expandGrid(config)[1]]);
    expect(readFileSync(join(out, 'results.md'), 'utf8')).toContain('grid incomplete');
  });
});

/** A result file as a task writes it (the numbers do not matter to the status). */
function finishedCell(cell: Cell): CellResult {
  const metrics = Object.fromEntries(METRICS.map((m) => [m.key, 1])) as CellResult['metrics'];
  const now = new Date().toISOString();
  return {
    id: cellId(cell), cell, capabilities: { hasDensity: true, supportsIWAE: true }, metrics, iwaeK: null, test: {},
    data: { train: { name: 'toy', size: 1 }, test: { name: 'toy', size: 1 }, dataSize: 1, numClasses: null }, steps: { total: 1, skipped: 0 },
    timing: { startedAt: now, finishedAt: now, wallSeconds: 1, trainSeconds: 1, msPerStep: 1 }, files: [],
  };
}

/** A fake Slurm: records the commands, answers from a table. */
function fakeSlurm(answers: Record<string, { code?: number; stdout?: string; stderr?: string } | 'missing'>) {
  const calls: { command: string; args: readonly string[] }[] = [];
  const run: CommandRunner = async (command, args) => {
    calls.push({ command, args });
    const a = answers[command];
    if (a === undefined || a === 'missing') throw Object.assign(new Error(`spawn ${command} ENOENT`), { code: 'ENOENT' });
    return { code: a.code ?? 0, stdout: a.stdout ?? '', stderr: a.stderr ?? '' };
  };
  return { calls, client: new SlurmClient(run) };
}

describe('the Slurm executor', () => {
  const config = () => resolveBenchConfig({ datasets: ['toy'], families: [TOY_FAMILY], priors: ['pinwheel'], seeds: [0, 1, 2, 3, 4], epochs: 1 });

  it('writes a job array script with every resource and submits it with sbatch --parsable', async () => {
    const out = temp();
    const slurm = resolveSlurmOptions({
      partition: 'short', time: '0-02:00:00', cpusPerTask: 2, mem: '4G', account: 'lab', extra: ['#SBATCH --qos=low', '--constraint=avx2'],
      cellsPerTask: 2, maxParallel: 3,
    });
    const grid: FrozenGrid = { config: config(), backend: 'cpu', slurm };
    await freezeGrid(out, grid, false);
    const { calls, client } = fakeSlurm({ sbatch: { stdout: '4242;cluster\n' } });
    const outcome = await createSlurmExecutor({ command: '/usr/bin/node /opt/ddvi/bin.js', client }).execute(out, grid, [0, 1, 4]);
    expect(outcome.executor === 'slurm' && outcome.submission?.jobId).toBe('4242');
    expect(calls[0]!.command).toBe('sbatch');
    expect(calls[0]!.args[0]).toBe('--parsable');
    const script = readFileSync(calls[0]!.args[1]!, 'utf8');
    for (const line of [
      '#SBATCH --array=0,2%3', '#SBATCH --partition=short', '#SBATCH --time=0-02:00:00', '#SBATCH --cpus-per-task=2', '#SBATCH --mem=4G',
      '#SBATCH --account=lab', '#SBATCH --qos=low', '#SBATCH --constraint=avx2',
    ]) expect(script).toContain(`${line}\n`);
    expect(script).toMatch(/^\/usr\/bin\/node \/opt\/ddvi\/bin\.js bench run-cell --out \S+ --index "\$SLURM_ARRAY_TASK_ID" --cells-per-task 2$/m);
    expect(readSubmissions(out)).toEqual([expect.objectContaining({ jobId: '4242', tasks: [0, 2], cells: [0, 1, 4], cellsPerTask: 2 })]);
  });

  it('turns an unknown partition into a message naming it and the partitions sinfo lists', async () => {
    const out = temp();
    const grid: FrozenGrid = { config: config(), slurm: resolveSlurmOptions({ partition: 'gpu-huge' }) };
    const { client } = fakeSlurm({
      sbatch: { code: 1, stderr: 'sbatch: error: invalid partition specified: gpu-huge\nsbatch: error: Batch job submission failed: Invalid partition name specified' },
      sinfo: { stdout: 'debug\nlong\ndebug\n' },
    });
    const submit = createSlurmExecutor({ command: 'ddvi', client }).execute(out, grid, [0]);
    await expect(submit).rejects.toThrow(SlurmError);
    await expect(submit).rejects.toThrow(/--partition: partition "gpu-huge" is not a Slurm partition here; available partitions: debug, long/);
    expect(readSubmissions(out)).toEqual([]);
  });

  it('says what to do when sbatch is not installed', async () => {
    const { client } = fakeSlurm({});
    await expect(createSlurmExecutor({ command: 'ddvi', client }).execute(temp(), { config: config() }, [0])).rejects.toThrow(
      /sbatch not found on PATH.*login node.*--executor local/,
    );
  });

  it('status: done, running, pending and failed cells from the result files, squeue and the attempt records', async () => {
    const out = temp();
    const grid: FrozenGrid = { config: config() };
    await freezeGrid(out, grid, false);
    const { client: submitter } = fakeSlurm({ sbatch: { stdout: '77' } });
    await createSlurmExecutor({ command: 'ddvi', client: submitter }).execute(out, grid, [0, 1, 2, 3]);
    // Cell 0 finished; 1 runs; 2 waits; 3 left the queue without a result; 4 was never submitted.
    await writeCell(out, finishedCell(expandGrid(grid.config)[0]!));
    const { client } = fakeSlurm({ squeue: { stdout: '77|1|RUNNING\n77|2|PENDING\n' }, sacct: { code: 1, stderr: 'Slurm accounting storage is disabled' } });
    const status = await gridStatus(out, grid, client);
    expect(status.cells.map((c) => c.state)).toEqual(['done', 'running', 'pending', 'failed', 'missing']);
    expect(status.cells[3]!.detail).toMatch(/task 77_3 ended before starting the cell \(log: .*slurm\/logs\/77_3\.out\)/);
    expect(status.counts).toMatchObject({ done: 1, running: 1, pending: 1, failed: 1, missing: 1 });
    expect(cellsToResubmit(status)).toEqual([3, 4]);
    const { client: withSacct } = fakeSlurm({ squeue: { stdout: '' }, sacct: { stdout: '77_1|CANCELLED by 0\n77_2|TIMEOUT\n77_3|NODE_FAIL\n' } });
    const later = await gridStatus(out, grid, withSacct);
    expect(later.cells.slice(1, 4).map((c) => c.detail?.split(' (')[0])).toEqual(['task 77_1 CANCELLED', 'task 77_2 TIMEOUT', 'task 77_3 NODE_FAIL']);
  });

  it('refuses to freeze another grid over a submitted one', async () => {
    const out = temp();
    await freezeGrid(out, { config: config() }, false);
    const other = resolveBenchConfig({ ...config(), seeds: [0] });
    await expect(freezeGrid(out, { config: other }, false)).rejects.toThrow(/holds another grid.*ddvi bench resume --out/);
  });
});

describe('Slurm options and arrays', () => {
  it('validates every option, naming it and the accepted forms', () => {
    expect(resolveSlurmOptions({})).toEqual({ extra: [], cellsPerTask: 1, jobName: 'ddvi-bench' });
    expect(() => resolveSlurmOptions({ time: '2 hours' })).toThrow(/time must be a Slurm time limit: minutes, MM:SS/);
    for (const t of ['30', '30:00', '2:00:00', '1-0', '1-12:00', '1-12:00:00']) expect(resolveSlurmOptions({ time: t }).time).toBe(t);
    expect(() => resolveSlurmOptions({ mem: '4 GB' })).toThrow(/mem must be a memory size such as 4G/);
    expect(() => resolveSlurmOptions({ cpusPerTask: 0 })).toThrow(/cpusPerTask must be an integer >= 1/);
    expect(() => resolveSlurmOptions({ partition: 'a b' })).toThrow(/partition/);
    expect(() => resolveSlurmOptions({ extra: ['qos=low'] })).toThrow(/extra\[0\] must be one #SBATCH option starting with "-"/);
    expect(() => resolveSlurmOptions({ extra: ['--qos=low\n#SBATCH --x'] })).toThrow(/extra\[0\]/);
    expect(() => resolveSlurmOptions({ nodes: 2 } as never)).toThrow(/nodes must be one of the known keys/);
  });

  it('compresses task ids into Slurm array ranges and splits the grid into chunks', () => {
    expect(arraySpec([5, 0, 1, 2, 7, 8, 2])).toBe('0-2,5,7-8');
    expect(arraySpec([3])).toBe('3');
    expect(taskCells(2, 3, 8)).toEqual([6, 7]);
    expect(taskCells(0, 1, 8)).toEqual([0]);
  });
});
