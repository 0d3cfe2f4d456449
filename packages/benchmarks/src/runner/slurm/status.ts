import { existsSync } from 'node:fs';
import { expandGrid, cellId } from '../cell';
import type { Cell } from '../cell';
import { readCell } from '../cell_store';
import { partialCheckpointPath } from '../cell_task';
import type { FrozenGrid } from '../grid';
import { taskOf } from './array';
import type { SlurmClient } from './client';
import { readAttempt, readSubmissions, slurmLogPath } from './jobs';

/**
 * done: result file written; diverged: result file of a cell whose training diverged (a result, not
 * resubmitted); running / pending: its task is in squeue; failed: its task left the queue without a
 * result (cancelled, time limit, node failure, crash); missing: never submitted; unknown: submitted
 * but squeue cannot be asked here.
 */
export type CellState = 'done' | 'diverged' | 'running' | 'pending' | 'failed' | 'missing' | 'unknown';

export interface CellStatus {
  /** 0-based grid index. */
  index: number;
  cell: Cell;
  id: string;
  state: CellState;
  /** The array task of the latest submission that covers the cell. */
  jobId?: string;
  task?: number;
  /** Why it failed, where its log is, whether a partial checkpoint waits. */
  detail?: string;
}

export interface GridStatus {
  cells: CellStatus[];
  counts: Record<CellState, number>;
  /** False when squeue could not be run (states of submitted cells are then unknown). */
  queueAvailable: boolean;
}

const PENDING = new Set(['PENDING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESV_DEL_HOLD', 'SUSPENDED']);

/** The state of every cell, from the result files (first) and Slurm's queue and accounting. */
export async function gridStatus(out: string, grid: FrozenGrid, client: SlurmClient): Promise<GridStatus> {
  const submissions = readSubmissions(out);
  // The queue is read before the result files: a task that finishes in between is then seen as done.
  const queue = submissions.length > 0 ? await client.queue() : new Map<string, string>();
  const accounting = submissions.length > 0 && queue ? await client.accounting([...new Set(submissions.map((s) => s.jobId))]) : undefined;
  const cells = expandGrid(grid.config).map((cell, index): CellStatus => {
    const id = cellId(cell);
    const result = readCell(out, cell);
    if (result) return { index, cell, id, state: result.error !== undefined ? 'diverged' : 'done', ...(result.error ? { detail: result.error } : {}) };
    const sub = [...submissions].reverse().find((s) => s.cells.includes(index));
    if (!sub) return { index, cell, id, state: 'missing' };
    const task = taskOf(index, sub.cellsPerTask);
    const where = { jobId: sub.jobId, task };
    if (!queue) return { index, cell, id, state: 'unknown', ...where, detail: 'squeue is not available here' };
    const key = `${sub.jobId}_${task}`;
    const queued = queue.get(key);
    if (queued !== undefined) return { index, cell, id, state: PENDING.has(queued) ? 'pending' : 'running', ...where };
    const partial = existsSync(partialCheckpointPath(out, cell)) ? '; its partial checkpoint is resumed on resubmission' : '';
    const attempt = readAttempt(out, cell);
    const started = attempt?.jobId === sub.jobId && attempt.task === task;
    const how = accounting?.get(key) ?? (started ? 'ended without a result' : 'ended before starting the cell');
    return { index, cell, id, state: 'failed', ...where, detail: `task ${key} ${how} (log: ${slurmLogPath(out, sub.jobId, task)})${partial}` };
  });
  const counts = { done: 0, diverged: 0, running: 0, pending: 0, failed: 0, missing: 0, unknown: 0 };
  for (const c of cells) counts[c.state] += 1;
  return { cells, counts, queueAvailable: queue !== undefined };
}

/** Grid indices a resume resubmits: failed and never-submitted cells (not those queued, finished or diverged). */
export function cellsToResubmit(status: GridStatus): number[] {
  return status.cells.filter((c) => c.state === 'failed' || c.state === 'missing').map((c) => c.index);
}
