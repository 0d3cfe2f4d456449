import { ValidationError } from '@ddvi/core';
import { expandGrid } from '../cell';
import { runCellByIndex } from '../cell_task';
import type { BenchHooks, CellOutcome } from '../cell_task';
import type { FrozenGrid } from '../grid';
import { SplitCache } from '../split_cache';
import { taskCells } from './array';
import { recordAttempt } from './jobs';

export interface GridTaskOptions {
  out: string;
  grid: FrozenGrid;
  /** The array task id (`SLURM_ARRAY_TASK_ID`): with one cell per task, the cell's grid index. */
  task: number;
  cellsPerTask: number;
  /** The Slurm job of this task (`SLURM_ARRAY_JOB_ID`), recorded beside each cell it starts. */
  jobId?: string;
  hooks?: BenchHooks;
  /** What holds this task's cell claims, shown to another writer (default "slurm task <task>"). */
  command?: string;
}

/** What one array task does: its cells, one after another, each through `runCellByIndex`. */
export async function runGridTask(options: GridTaskOptions): Promise<CellOutcome[]> {
  const { out, grid, task } = options;
  const cells = expandGrid(grid.config);
  const total = cells.length;
  const indices = taskCells(task, options.cellsPerTask, total);
  if (indices.length === 0) {
    throw new ValidationError(
      `--index ${task} with --cells-per-task ${options.cellsPerTask} names no cell: the grid has ${total} cells (tasks 0-${Math.ceil(total / options.cellsPerTask) - 1})`,
    );
  }
  const splits = new SplitCache();
  const outcomes: CellOutcome[] = [];
  for (const index of indices) {
    if (options.jobId !== undefined) await recordAttempt(out, cells[index]!, options.jobId, task);
    outcomes.push(
      await runCellByIndex({
        config: grid.config, out, index, splits, command: options.command ?? `slurm task ${task}${options.jobId !== undefined ? ` of job ${options.jobId}` : ''}`,
        ...(grid.checkpointEverySteps !== undefined ? { checkpointEverySteps: grid.checkpointEverySteps } : {}),
        ...(options.hooks ? { hooks: options.hooks } : {}),
      }),
    );
  }
  return outcomes;
}
