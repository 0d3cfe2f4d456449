import { expandGrid } from './cell';
import type { BenchHooks } from './cell_task';
import { collectReport } from './collect';
import { acquireFolderLock } from './folder_lock';
import type { BenchConfig } from './config';
import { createLocalExecutor } from './executor';
import { freezeGrid } from './grid';
import type { FrozenGrid } from './grid';
import { createProcessPoolExecutor } from './process_pool';
import { prepareDatasetFiles } from './dataset_files';
import type { BenchResults } from './report';

export type { BenchHooks } from './cell_task';
export { RESULTS_JSON, RESULTS_MD } from './collect';
export { SETTINGS_FILE } from './settings';

export interface RunBenchmarkOptions {
  config: BenchConfig;
  out: string;
  tool: { name: string; version: string };
  versions?: Record<string, string>;
  backend: { name: string; reason: string; kernels?: string };
  hooks?: BenchHooks;
  /** What holds the folder lock and cell claims, shown to a refused second run (default "runBenchmark"). */
  command?: string;
  /** Take `<out>/.ddvi-bench.lock` for the run (default true): the driver of a local run holds it. */
  lock?: boolean;
  /** How often to look again at cells another writer is computing (ms, default 1000). */
  pollMs?: number;
  /** Also checkpoint each cell's training every this many steps (default: after each epoch only). */
  checkpointEverySteps?: number;
  /** Plugin modules (file URLs) the config needs, recorded in grid.json for `ddvi bench report` and tasks. */
  plugins?: string[];
  /**
   * Run the cells `jobs` at a time, each in its own process started by `command` (+ `bench run-cell`):
   * ./process_pool.ts. Without it the cells run one after another in this process.
   */
  processes?: { command: readonly string[]; jobs: number };
}

export interface RunBenchmarkResult {
  results: BenchResults;
  /** Cells trained by this invocation and cells read back from `<out>/cells/`. */
  computed: string[];
  reused: string[];
}

/**
 * Runs the grid here (the local executor). Each finished cell is written atomically to
 * `<out>/cells/<id>.json` as soon as it is done, and cells already there are read back rather than
 * recomputed, so a killed run restarts where it stopped (a cell killed mid-training resumes its
 * checkpoint in `<out>/partial/`). The reports are rewritten after every cell, so they always show
 * what is done.
 */
export async function runBenchmark(options: RunBenchmarkOptions): Promise<RunBenchmarkResult> {
  const { out } = options;
  const startedMs = Date.now();
  const command = options.command ?? 'runBenchmark';
  // Only the local driver takes the folder: Slurm array tasks share it, each guarded by its cell claims.
  const lock = options.lock === false ? undefined : acquireFolderLock(out, command);
  if (lock?.tookOver) options.hooks?.onStaleLock?.(lock.tookOver);
  try {
    const config = await prepareDatasetFiles(options.config, out);
    const grid: FrozenGrid = {
      config, backend: options.backend.name,
      ...(options.checkpointEverySteps !== undefined ? { checkpointEverySteps: options.checkpointEverySteps } : {}),
      ...(options.plugins && options.plugins.length > 0 ? { plugins: options.plugins } : {}),
    };
    // A local run may change the grid's axes between reruns (settings.json still guards the numbers).
    await freezeGrid(out, grid, true);
    const report = () => collectReport({ config, out, tool: options.tool, ...(options.versions ? { versions: options.versions } : {}), backend: options.backend, startedMs });
    const afterComputed = async () => void (await report());
    const executor = options.processes && options.processes.jobs > 1
      ? createProcessPoolExecutor({ ...options.processes, ...(options.hooks ? { hooks: options.hooks } : {}), afterComputed })
      : createLocalExecutor({
        ...(options.hooks ? { hooks: options.hooks } : {}), command,
        ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
        afterComputed,
      });
    const { computed, reused } = await executor.execute(out, grid, expandGrid(config).map((_, i) => i));
    const { results } = await report();
    return { results, computed, reused };
  } finally {
    lock?.release();
  }
}
