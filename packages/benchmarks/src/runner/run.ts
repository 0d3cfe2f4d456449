import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { DivergenceError, NonFiniteError, ValidationError, writeFileAtomic } from '@ddvi/core';
import type { TrainEvent } from '@ddvi/core';
import { cellId, expandGrid } from './cell';
import type { Cell } from './cell';
import { claimCell } from './cell_claim';
import { inspectCell, writeCell } from './cell_store';
import { acquireFolderLock } from './folder_lock';
import type { LockOwner } from './lock_owner';
import type { CellResult } from './cell_store';
import type { BenchConfig } from './config';
import { METRICS } from './metric_table';
import { resultsMarkdown } from './report';
import type { BenchResults } from './report';
import { runCell } from './run_cell';
import type { LatentPlotter } from './run_cell';
import { loadSplits } from './splits';
import type { Splits } from './splits';

export interface BenchHooks {
  /** Before each cell: its 1-based index, the grid size, and whether its result is read back from disk. */
  onCellStart?: (index: number, total: number, cell: Cell, cached: boolean) => void;
  onCellDone?: (index: number, total: number, result: CellResult, cached: boolean) => void;
  /** A cell file that fails its check (torn, edited, checksum mismatch): it is recomputed. */
  onCellCorrupt?: (cell: Cell, reason: string) => void;
  /** The folder lock was left by a process that died; this run took it over. */
  onStaleLock?: (owner: LockOwner) => void;
  /** Training events of the cell being computed. */
  onTrainEvent?: (cell: Cell, event: TrainEvent) => void;
  plotLatents?: LatentPlotter;
}

export interface RunBenchmarkOptions {
  config: BenchConfig;
  out: string;
  tool: { name: string; version: string };
  versions?: Record<string, string>;
  backend: { name: string; reason: string };
  hooks?: BenchHooks;
  /** What holds the folder lock and cell claims, shown to a refused second run (default "runBenchmark"). */
  command?: string;
  /** Take `<out>/.ddvi-bench.lock` for the run (default true): the driver of a local run holds it. */
  lock?: boolean;
  /** How often to look again at cells another writer is computing (ms, default 1000). */
  pollMs?: number;
}

export interface RunBenchmarkResult {
  results: BenchResults;
  /** Cells trained by this invocation and cells read back from `<out>/cells/`. */
  computed: string[];
  reused: string[];
}

export const RESULTS_JSON = 'results.json';
export const RESULTS_MD = 'results.md';

/**
 * Runs the grid. Each finished cell is written atomically to `<out>/cells/<id>.json` as soon as it
 * is done, and cells already there are read back rather than recomputed, so a killed run restarts
 * where it stopped. The reports are rewritten after every cell, so they always show what is done.
 */
export async function runBenchmark(options: RunBenchmarkOptions): Promise<RunBenchmarkResult> {
  const { config, out, hooks = {} } = options;
  const startedMs = Date.now();
  const cells = expandGrid(config);
  const done: CellResult[] = [];
  const computed: string[] = [];
  const reused: string[] = [];
  const splitCache = new Map<string, Splits>();
  // MNIST splits do not depend on the prior; the toy dataset's latents come from it.
  const splitKey = (cell: Cell) => (cell.dataset === 'toy' ? `${cell.dataset}/${cell.prior}` : cell.dataset);
  const getSplits = async (cell: Cell): Promise<Splits> => {
    const key = splitKey(cell);
    let s = splitCache.get(key);
    if (!s) {
      // Keep one dataset's splits at a time: the grid is ordered by dataset, then family.
      if (cell.dataset !== 'toy') splitCache.clear();
      s = await loadSplits({
        dataset: cell.dataset, prior: cell.prior, latentSize: config.latentSize,
        ...(config.dataDir ? { dataDir: config.dataDir } : {}),
        ...(config.trainLimit !== undefined ? { trainLimit: config.trainLimit } : {}),
        ...(config.testLimit !== undefined ? { testLimit: config.testLimit } : {}),
      });
      splitCache.set(key, s);
    }
    return s;
  };

  const write = async (): Promise<BenchResults> => {
    const finishedMs = Date.now();
    const results: BenchResults = {
      tool: options.tool, versions: options.versions ?? {}, backend: options.backend, config,
      startedAt: new Date(startedMs).toISOString(), finishedAt: new Date(finishedMs).toISOString(), wallSeconds: (finishedMs - startedMs) / 1000,
      complete: done.length === cells.length, cells: [...done], metrics: METRICS,
    };
    await writeFileAtomic(join(out, RESULTS_JSON), `${JSON.stringify(results, null, 2)}\n`);
    await writeFileAtomic(join(out, RESULTS_MD), resultsMarkdown(results));
    return results;
  };

  const compute = async (cell: Cell): Promise<CellResult> => {
    const splits = await getSplits(cell);
    const cellStarted = Date.now();
    let result: CellResult;
    try {
      result = await runCell({
        config, cell, splits, out,
        ...(hooks.onTrainEvent ? { onEvent: (e: TrainEvent) => hooks.onTrainEvent!(cell, e) } : {}),
        ...(hooks.plotLatents ? { plotLatents: hooks.plotLatents } : {}),
      });
    } catch (e) {
      // A diverged cell is a result (the family failed on this setting), not a reason to lose the grid.
      if (!(e instanceof NonFiniteError || e instanceof DivergenceError)) throw e;
      result = failedCell(cell, e.message, cellStarted);
    }
    await writeCell(out, result);
    return result;
  };

  /** The cell's verified result from disk, else computed under its claim; 'busy' when another live writer holds the claim. */
  const obtain = async (cell: Cell): Promise<{ result: CellResult; cached: boolean } | 'busy'> => {
    const stored = inspectCell(out, cell);
    if (stored.state === 'done') return { result: stored.result, cached: true };
    if (stored.state === 'corrupt') hooks.onCellCorrupt?.(cell, stored.reason);
    const claim = claimCell(out, cell, { command: options.command ?? 'runBenchmark' });
    if (!('claimed' in claim)) return 'busy';
    try {
      // Another writer may have finished it between our look and our claim.
      const again = inspectCell(out, cell);
      if (again.state === 'done') return { result: again.result, cached: true };
      return { result: await compute(cell), cached: false };
    } finally {
      claim.claimed.release();
    }
  };

  const finish = async (i: number, got: { result: CellResult; cached: boolean }) => {
    (got.cached ? reused : computed).push(got.result.id);
    done.push(got.result);
    hooks.onCellDone?.(i + 1, cells.length, got.result, got.cached);
    if (!got.cached) await write();
  };

  const lock = options.lock === false ? undefined : acquireFolderLock(out, options.command ?? 'runBenchmark');
  if (lock?.tookOver) hooks.onStaleLock?.(lock.tookOver);
  try {
    await checkSettings(out, config);
    const busy: [number, Cell][] = [];
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i]!;
      hooks.onCellStart?.(i + 1, cells.length, cell, inspectCell(out, cell).state === 'done');
      const got = await obtain(cell);
      if (got === 'busy') busy.push([i, cell]);
      else await finish(i, got);
    }
    // Cells another writer is computing: wait for its result, or for its claim to go stale.
    while (busy.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
      for (let k = busy.length - 1; k >= 0; k--) {
        const [i, cell] = busy[k]!;
        const got = await obtain(cell);
        if (got === 'busy') continue;
        busy.splice(k, 1);
        await finish(i, got);
      }
    }
    done.sort((a, b) => cells.findIndex((c) => cellId(c) === a.id) - cells.findIndex((c) => cellId(c) === b.id));
    const results = await write();
    return { results, computed, reused };
  } finally {
    lock?.release();
  }
}

function failedCell(cell: Cell, message: string, startedMs: number): CellResult {
  const now = Date.now();
  const metrics = Object.fromEntries(METRICS.map((m) => [m.key, null])) as CellResult['metrics'];
  return {
    id: cellId(cell), cell, capabilities: { hasDensity: false, supportsIWAE: false }, metrics, iwaeK: null, test: {},
    data: { train: { name: '', size: 0 }, test: { name: '', size: 0 }, dataSize: 0, numClasses: null },
    steps: { total: 0, skipped: 0 },
    timing: { startedAt: new Date(startedMs).toISOString(), finishedAt: new Date(now).toISOString(), wallSeconds: (now - startedMs) / 1000, trainSeconds: 0, msPerStep: null },
    files: [], error: message,
  };
}

export const SETTINGS_FILE = 'settings.json';

/**
 * The settings every cell's numbers depend on (all but the grid's axes), kept in `<out>/settings.json`:
 * a rerun into the same folder with other settings would mix incomparable cells, so it is refused.
 */
async function checkSettings(out: string, config: BenchConfig): Promise<void> {
  const { families: _f, priors: _p, seeds: _s, datasets: _d, ...settings } = config;
  const path = join(out, SETTINGS_FILE);
  if (existsSync(path)) {
    let saved: Record<string, unknown>;
    try {
      saved = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new ValidationError(`${path}: cannot read the settings of the earlier run (${(e as Error).message}); remove it or choose another output folder`);
    }
    const keys = [...new Set([...Object.keys(saved), ...Object.keys(settings)])];
    const differ = keys.filter((k) => JSON.stringify(saved[k]) !== JSON.stringify((settings as Record<string, unknown>)[k]));
    if (differ.length > 0) {
      throw new ValidationError(
        `${out} holds cells of a run with other settings (${differ.map((k) => `${k}: ${JSON.stringify(saved[k])} there, ${JSON.stringify((settings as Record<string, unknown>)[k])} now`).join('; ')}); ` +
          'choose another output folder or remove it',
      );
    }
    return;
  }
  await writeFileAtomic(path, `${JSON.stringify(settings, null, 2)}\n`);
}
