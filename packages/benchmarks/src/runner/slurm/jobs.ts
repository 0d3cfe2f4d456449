import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ValidationError, writeFileAtomic } from '@ddvi/core';
import { cellId } from '../cell';
import type { Cell } from '../cell';

/** Scripts, job records, task logs and attempt markers of a Slurm grid live in `<out>/slurm/`. */
export const SLURM_DIR = 'slurm';
const JOBS_FILE = 'jobs.json';

/** One `sbatch` of the grid (the first submission or a resume). */
export interface SlurmSubmission {
  jobId: string;
  submittedAt: string;
  /** The batch script, relative to the results folder. */
  script: string;
  cellsPerTask: number;
  /** Array task ids submitted, and the grid indices they cover. */
  tasks: number[];
  cells: number[];
}

export function slurmLogPath(out: string, jobId: string, task: number): string {
  return join(out, SLURM_DIR, 'logs', `${jobId}_${task}.out`);
}

/** The grid's submissions, oldest first (none when the folder was never submitted). */
export function readSubmissions(out: string): SlurmSubmission[] {
  const path = join(out, SLURM_DIR, JOBS_FILE);
  if (!existsSync(path)) return [];
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as { submissions?: SlurmSubmission[] };
    if (!Array.isArray(v.submissions)) throw new Error('no submissions list');
    return v.submissions;
  } catch (e) {
    throw new ValidationError(`${path}: cannot read the grid's Slurm jobs (${(e as Error).message})`);
  }
}

export async function recordSubmission(out: string, submission: SlurmSubmission): Promise<void> {
  const submissions = [...readSubmissions(out), submission];
  await writeFileAtomic(join(out, SLURM_DIR, JOBS_FILE), `${JSON.stringify({ submissions }, null, 2)}\n`);
}

/** Which task last started a cell: lets status tell a task killed mid-cell from one that never ran. */
export interface CellAttempt {
  jobId: string;
  task: number;
  host: string;
  startedAt: string;
}

function attemptPath(out: string, cell: Cell): string {
  return join(out, SLURM_DIR, 'attempts', `${cellId(cell)}.json`);
}

export async function recordAttempt(out: string, cell: Cell, jobId: string, task: number): Promise<void> {
  const attempt: CellAttempt = { jobId, task, host: hostname(), startedAt: new Date().toISOString() };
  await writeFileAtomic(attemptPath(out, cell), `${JSON.stringify(attempt)}\n`);
}

export function readAttempt(out: string, cell: Cell): CellAttempt | undefined {
  try {
    return JSON.parse(readFileSync(attemptPath(out, cell), 'utf8')) as CellAttempt;
  } catch {
    return undefined;
  }
}
