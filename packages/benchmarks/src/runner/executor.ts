import type { BenchHooks } from './cell_task';
import { runCellByIndex } from './cell_task';
import type { FrozenGrid } from './grid';
import type { SlurmSubmission } from './slurm/jobs';
import { SplitCache } from './split_cache';

export type ExecutorName = 'local' | 'slurm';
export const EXECUTOR_NAMES: readonly ExecutorName[] = ['local', 'slurm'];

export type ExecuteOutcome =
  /** The cells ran in this process: ids trained now and ids read back from `<out>/cells/`. */
  | { executor: 'local'; computed: string[]; reused: string[] }
  /** The cells were submitted as a job array (none when `indices` was empty). */
  | { executor: 'slurm'; submission?: SlurmSubmission };

/**
 * Runs cells of a grid frozen in a results folder. Every executor ends in `runCellByIndex` (here or
 * in a Slurm task), so the per-cell files, checkpoints and numbers are the same whichever ran them.
 */
export interface GridExecutor {
  readonly name: ExecutorName;
  /** Runs or submits the cells at these 0-based grid indices. */
  execute(out: string, grid: FrozenGrid, indices: readonly number[]): Promise<ExecuteOutcome>;
}

export interface LocalExecutorOptions {
  hooks?: BenchHooks;
  /** Called after each cell trained here (not after cells read back): e.g. rewrite the reports. */
  afterComputed?: () => Promise<void>;
  /** What holds the cell claims, shown to another writer (default "local executor"). */
  command?: string;
  /** How often to look again at a cell another writer is computing (ms, default 1000). */
  pollMs?: number;
}

export interface LocalExecutor extends GridExecutor {
  execute(out: string, grid: FrozenGrid, indices: readonly number[]): Promise<Extract<ExecuteOutcome, { executor: 'local' }>>;
}

/**
 * Runs the cells one after another in this process. It takes no folder lock itself (runBenchmark,
 * the local driver, does); each cell is claimed, so it can share a folder with Slurm tasks.
 */
export function createLocalExecutor(options: LocalExecutorOptions = {}): LocalExecutor {
  return {
    name: 'local',
    async execute(out, grid, indices) {
      const splits = new SplitCache();
      const computed: string[] = [];
      const reused: string[] = [];
      for (const index of indices) {
        const { result, cached } = await runCellByIndex({
          config: grid.config, out, index, splits, command: options.command ?? 'local executor',
          ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
          ...(grid.checkpointEverySteps !== undefined ? { checkpointEverySteps: grid.checkpointEverySteps } : {}),
          ...(options.hooks ? { hooks: options.hooks } : {}),
        });
        (cached ? reused : computed).push(result.id);
        if (!cached) await options.afterComputed?.();
      }
      return { executor: 'local' as const, computed, reused };
    },
  };
}
