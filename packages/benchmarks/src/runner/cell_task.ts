import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DivergenceError, NonFiniteError, NoSemiSupervisedFormError, ValidationError } from '@ddvi/core';
import type { TrainEvent } from '@ddvi/core';
import { cellId, expandGrid } from './cell';
import type { Cell } from './cell';
import { computeOnce } from './cell_once';
import { cellTiming } from './cell_result';
import { inspectCell, writeCell } from './cell_store';
import type { CellResult } from './cell_store';
import type { CellOutcome } from './cell_once';
import type { BenchConfig } from './config';
import { METRICS } from './metric_table';
import { runBaselineCell } from './run_baseline';
import { runCell } from './run_cell';
import type { LatentPlotter } from './cell_plot';
import type { LockOwner } from './lock_owner';
import { SplitCache } from './split_cache';

export interface BenchHooks {
  /** Before each cell: its 1-based index, the grid size, and whether its result is read back from disk. */
  onCellStart?: (index: number, total: number, cell: Cell, cached: boolean) => void;
  onCellDone?: (index: number, total: number, result: CellResult, cached: boolean) => void;
  /** A cell file that fails its check (torn, edited, checksum mismatch): it is recomputed. */
  onCellCorrupt?: (cell: Cell, reason: string) => void;
  /** Another live writer holds the cell's claim: this one waits for its result (or for the claim to go stale). */
  onCellBusy?: (cell: Cell, heldBy: string) => void;
  /** The folder lock of a local run was left by a process that died; this run took it over. */
  onStaleLock?: (owner: LockOwner) => void;
  /** Training events of the cell being computed. */
  onTrainEvent?: (cell: Cell, event: TrainEvent) => void;
  plotLatents?: LatentPlotter;
}

/** Partial training checkpoints of unfinished cells live here, inside the results folder. */
export const PARTIAL_DIR = 'partial';

export function partialCheckpointPath(out: string, cell: Cell): string {
  return join(out, PARTIAL_DIR, `${cellId(cell)}.checkpoint`);
}

/** Where versions before 2026-12-07 left a cell's partial checkpoint, in the JSON form: still resumed. */
export function legacyPartialCheckpointPath(out: string, cell: Cell): string {
  return `${partialCheckpointPath(out, cell)}.json`;
}

export interface RunCellByIndexOptions {
  config: BenchConfig;
  out: string;
  /** 0-based position of the cell in `expandGrid(config)`. */
  index: number;
  /** Also checkpoint the cell's training every this many steps (default: after each epoch only). */
  checkpointEverySteps?: number;
  hooks?: BenchHooks;
  /** Shared by the cells one process runs, so a dataset is loaded once. */
  splits?: SplitCache;
  /** What holds the cell's claim, shown to another writer that finds it (default "runCellByIndex"). */
  command?: string;
  /** How often to look again at a cell another writer is computing (ms, default 1000). */
  pollMs?: number;
  /** A claim whose heartbeat stopped this long ago is taken over (ms, default DEFAULT_STALE_MS). */
  staleMs?: number;
}

export type { CellOutcome } from './cell_once';

/**
 * The one way a cell is executed, whichever executor runs it: a finished cell whose file verifies is
 * read back from `<out>/cells/` (a file that fails its checksum is reported and recomputed);
 * otherwise the cell is claimed (`<out>/cells/<id>.claim`, so two writers never compute one cell;
 * a cell another live writer holds is waited for), trained, resuming
 * `<out>/partial/<id>.checkpoint` (binary) when an earlier attempt left one, its result written
 * atomically with its checksum, and the checkpoint removed.
 */
export async function runCellByIndex(options: RunCellByIndexOptions): Promise<CellOutcome> {
  const { config, out, index, hooks = {} } = options;
  const cells = expandGrid(config);
  if (!Number.isInteger(index) || index < 0 || index >= cells.length) {
    throw new ValidationError(`cell index must be an integer in [0, ${cells.length - 1}] (the grid has ${cells.length} cells), got ${index}`);
  }
  const cell = cells[index]!;
  const stored = inspectCell(out, cell);
  hooks.onCellStart?.(index + 1, cells.length, cell, stored.state === 'done');
  if (stored.state === 'corrupt') hooks.onCellCorrupt?.(cell, stored.reason);
  const outcome = await computeOnce(out, cell, {
    command: options.command ?? 'runCellByIndex',
    ...(options.staleMs !== undefined ? { staleMs: options.staleMs } : {}),
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    ...(hooks.onCellBusy ? { onBusy: (heldBy: string) => hooks.onCellBusy!(cell, heldBy) } : {}),
    compute: () => computeCell(options, cell),
  });
  // After the claim's release: output that follows a cell never precedes its claim's removal.
  hooks.onCellDone?.(index + 1, cells.length, outcome.result, outcome.cached);
  return outcome;
}

/** Trains (or embeds) the cell under its claim and writes its file; a diverged cell is written as failed. */
async function computeCell(options: RunCellByIndexOptions, cell: Cell): Promise<CellResult> {
  const { config, out, hooks = {} } = options;
  const splits = await (options.splits ?? new SplitCache()).get(config, cell);
  const checkpoint = partialCheckpointPath(out, cell);
  // A grid started by an older version resumes its JSON checkpoint (loadCheckpoint reads both forms); new ones are binary.
  const legacy = legacyPartialCheckpointPath(out, cell);
  const started = Date.now();
  let result: CellResult;
  try {
    const plot = hooks.plotLatents ? { plotLatents: hooks.plotLatents } : {};
    result = cell.baseline
      ? await runBaselineCell({ config, cell, splits, out, ...plot })
      : await runCell({
          config, cell, splits, out,
          checkpoint: { path: checkpoint, resumeFrom: legacy, ...(options.checkpointEverySteps !== undefined ? { everySteps: options.checkpointEverySteps } : {}) },
          ...(hooks.onTrainEvent ? { onEvent: (e: TrainEvent) => hooks.onTrainEvent!(cell, e) } : {}),
          ...plot,
        });
  } catch (e) {
    // A diverged cell is a result (the family failed on this setting), not a reason to lose the grid.
    // So is a family without a semi-supervised form under --labels: an n/a row, never a silent skip.
    if (e instanceof NoSemiSupervisedFormError) result = failedCell(cell, `n/a: ${e.message}`, started);
    else if (!(e instanceof NonFiniteError || e instanceof DivergenceError)) throw e;
    else result = failedCell(cell, e.message, started);
  }
  await writeCell(out, result);
  rmSync(checkpoint, { force: true });
  rmSync(legacy, { force: true });
  return result;
}

function failedCell(cell: Cell, message: string, startedMs: number): CellResult {
  const now = Date.now();
  const metrics = Object.fromEntries(METRICS.map((m) => [m.key, null])) as CellResult['metrics'];
  return {
    id: cellId(cell), cell, capabilities: { hasDensity: false, supportsIWAE: false }, metrics, iwaeK: null, test: {},
    data: { train: { name: '', size: 0 }, test: { name: '', size: 0 }, dataSize: 0, numClasses: null },
    steps: { total: 0, skipped: 0 },
    timing: cellTiming(startedMs, now),
    files: [], error: message,
  };
}
