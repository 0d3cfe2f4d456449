import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partialCheckpointPath } from '@ddvi/benchmarks';
import type { BenchResults, CellStatus, SlurmSubmission } from '@ddvi/benchmarks';
import { clusterProblem, ddvi, jobQueued, slurm, waitFor } from './cli';

const tmp = mkdtempSync(join(tmpdir(), 'ddvi-slurm-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * Four cells (gaussian x pinwheel, swiss_roll x seeds 0, 1) on the toy data with tiny networks; each
 * checkpoints every step so a task cancelled mid-cell leaves a partial checkpoint behind.
 */
const settings = join(tmp, 'settings.json');
writeFileSync(settings, JSON.stringify({ latentNllSamples: 300, knnK: 5 }));
const GRID = [
  '--config', settings, '--datasets', 'toy', '--families', 'gaussian', '--priors', 'pinwheel,swiss_roll', '--seeds', '0,1', '--epochs', '2',
  '--hidden', '16', '--train-limit', '512', '--test-limit', '128', '--batch-size', '32', '--iwae-k', '3', '--backend', 'cpu', '--checkpoint-every', '1',
];
/** The cell the test cancels: the last, so it starts once the first tasks are done. */
const VICTIM = { index: 3, id: 'toy__gaussian__swiss_roll__seed1' };
/** Where the runner keeps the victim's partial checkpoint (partialCheckpointPath, from the cell itself). */
const victimCheckpoint = (out: string) => partialCheckpointPath(out, { dataset: 'toy', family: 'gaussian', prior: 'swiss_roll', seed: 1 });

/** Everything each cell measured but its timings, in grid order. */
function numbers(results: BenchResults): unknown[] {
  return results.cells.map((c) => ({
    id: c.id, metrics: { ...c.metrics, wallSeconds: null, msPerStep: null }, test: c.test, steps: c.steps, data: c.data, iwaeK: c.iwaeK, files: c.files, error: c.error,
  }));
}

const inCi = !['', '0', 'false', undefined].includes(process.env.CI);
const problem = clusterProblem();
if (problem && !inCi) console.warn(`skipping the Slurm executor test: ${problem}. Start a one-node cluster with \`scripts/slurm-single-node.sh start\` (as root).`);

describe.skipIf(problem !== undefined && !inCi)('ddvi bench --executor slurm on a one-node cluster', () => {
  const localOut = join(tmp, 'local');
  const out = join(tmp, 'slurm');
  let local: BenchResults;
  let jobId: string;

  beforeAll(async () => {
    // In CI a missing cluster fails here, loudly, instead of skipping: .ci/run starts one.
    if (problem) throw new Error(`${problem}: CI starts a one-node cluster with scripts/slurm-single-node.sh start (see .ci/run)`);
    const r = await ddvi(['bench', ...GRID, '--out', localOut]);
    expect(r.code, r.stderr).toBe(0);
    local = JSON.parse(readFileSync(join(localOut, 'results.json'), 'utf8')) as BenchResults;
    expect(local.cells).toHaveLength(4);
  }, 200_000);

  it('names an unknown partition and lists the ones sinfo knows', async () => {
    const r = await ddvi(['bench', ...GRID, '--executor', 'slurm', '--partition', 'no-such-partition', '--out', join(tmp, 'bad-partition')]);
    const partitions = [...new Set(slurm('sinfo', ['--noheader', '--format=%R']).split('\n').map((s) => s.trim()).filter(Boolean))];
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`--partition: partition "no-such-partition" is not a Slurm partition here; available partitions: ${partitions.join(', ')}`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('submits the grid as a job array, prints the job id and records it', async () => {
    const r = await ddvi(['bench', ...GRID, '--executor', 'slurm', '--cpus-per-task', '1', '--mem', '1G', '--time', '10', '--sbatch=--comment=ddvi-test', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    jobId = /^job id: (\d+)$/m.exec(r.stdout)![1]!;
    const jobs = JSON.parse(readFileSync(join(out, 'slurm', 'jobs.json'), 'utf8')) as { submissions: SlurmSubmission[] };
    expect(jobs.submissions).toEqual([expect.objectContaining({ jobId, tasks: [0, 1, 2, 3], cells: [0, 1, 2, 3] })]);
    const script = readFileSync(join(out, jobs.submissions[0]!.script), 'utf8');
    for (const line of ['--array=0-3', '--cpus-per-task=1', '--mem=1G', '--time=10', '--comment=ddvi-test']) expect(script).toContain(`#SBATCH ${line}\n`);
    expect(existsSync(join(out, 'grid.json'))).toBe(true);
  });

  it('a task cancelled mid-cell loses only its cell and leaves its partial checkpoint; status says so', async () => {
    const checkpoint = victimCheckpoint(out);
    await waitFor(`task ${VICTIM.index} to checkpoint`, () => existsSync(checkpoint) || existsSync(join(out, 'cells', `${VICTIM.id}.json`)), 200_000, 25);
    slurm('scancel', [`${jobId}_${VICTIM.index}`]);
    await waitFor(`job ${jobId} to end`, () => !jobQueued(jobId), 200_000, 250);
    expect(existsSync(join(out, 'cells', `${VICTIM.id}.json`)), 'the cancelled cell finished before scancel').toBe(false);
    expect(existsSync(checkpoint)).toBe(true);
    const r = await ddvi(['bench', 'status', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const status = JSON.parse(r.stdout) as { cells: CellStatus[] };
    expect(status.cells.map((c) => c.state)).toEqual(['done', 'done', 'done', 'failed']);
    expect(status.cells[3]!.detail).toMatch(new RegExp(`task ${jobId}_3 .*partial checkpoint`));
    const text = await ddvi(['bench', 'status', '--out', out]);
    expect(text.stdout).toMatch(/4 cells; 3 done, 1 failed; Slurm jobs \d+/);
  });

  it('resume resubmits only the cancelled cell, which resumes its checkpoint', async () => {
    const r = await ddvi(['bench', 'resume', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/array 3 \(1 tasks, 1 of 4 cells\)/);
    const resumed = /^job id: (\d+)$/m.exec(r.stdout)![1]!;
    await waitFor(`job ${resumed} to end`, () => !jobQueued(resumed), 200_000, 250);
    const log = readFileSync(join(out, 'slurm', 'logs', `${resumed}_3.out`), 'utf8');
    expect(log).toMatch(/resuming at step [1-9]\d* of 32/);
    expect(existsSync(victimCheckpoint(out))).toBe(false);
    const again = await ddvi(['bench', 'resume', '--out', out]);
    expect(again.stdout).toContain('nothing to submit: 4 done of 4 cells');
  });

  it('the report equals the local executor\'s, number for number', async () => {
    const r = await ddvi(['bench', 'report', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('4 of 4 cells');
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
    expect(results.complete).toBe(true);
    expect(results.config).toEqual(local.config);
    expect(numbers(results)).toEqual(numbers(local));
    for (const c of results.cells) for (const f of c.files) expect(existsSync(join(out, f)), f).toBe(true);
    const table = (dir: string) => readFileSync(join(dir, 'results.md'), 'utf8').split('\n').filter((l) => l.startsWith('| gaussian'));
    expect(table(out).map((l) => l.split(' | ').slice(0, 11))).toEqual(table(localOut).map((l) => l.split(' | ').slice(0, 11)));
  });
});

describe('ddvi bench --executor slurm without Slurm', () => {
  it('says sbatch is missing instead of a stack trace', async () => {
    // An empty PATH: no Slurm commands (node itself is started by its absolute path).
    const empty = join(tmp, 'empty-path');
    mkdirSync(empty);
    const r = await ddvi(['bench', ...GRID, '--executor', 'slurm', '--out', join(tmp, 'no-slurm')], { ...process.env, PATH: empty });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: sbatch not found on PATH: --executor slurm submits the grid with Slurm's sbatch/m);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
