import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { BLAS_THREADS_ENV_VAR, ValidationError } from '@ddvi/core';
import { cellId, expandGrid } from './cell';
import type { BenchHooks } from './cell_task';
import { inspectCell } from './cell_store';
import type { LocalExecutor } from './executor';
import type { FrozenGrid } from './grid';

/** Each cell process's output (stdout and stderr) is kept here, inside the results folder. */
export const CELL_LOGS_DIR = 'logs';

export interface ProcessPoolExecutorOptions {
  /** The argv that starts ddvi here, e.g. [process.execPath, '/path/to/ddvi/bin.js']; `bench run-cell ...` is appended. */
  command: readonly string[];
  /** Cells computed at once, each in its own process (>= 1). */
  jobs: number;
  /** onCellStart / onCellDone for each cell (training events stay in the cell's process and its log). */
  hooks?: BenchHooks;
  /** Called after each cell computed, one call at a time (e.g. rewrite the reports). */
  afterComputed?: () => Promise<void>;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs a grid's cells `jobs` at a time, each in a process of its own running `ddvi bench run-cell`
 * (what a Slurm array task runs) on the grid frozen in the results folder. tfjs' wasm backend runs
 * one thread per process, so on a machine with idle cores this is the lever that uses them; the
 * numbers are those of the one-process local executor, because every cell is the same
 * `runCellByIndex` on the same frozen settings and its own seed. Cells whose file already verifies
 * are read back, not started.
 */
export function createProcessPoolExecutor(options: ProcessPoolExecutorOptions): LocalExecutor {
  const { command, jobs, hooks = {} } = options;
  if (!Number.isInteger(jobs) || jobs < 1) throw new ValidationError(`process pool: jobs must be an integer >= 1, got ${jobs}`);
  if (command.length === 0) throw new ValidationError('process pool: command must name the program that starts ddvi');
  return {
    name: 'local',
    async execute(out, grid: FrozenGrid, indices) {
      const cells = expandGrid(grid.config);
      const total = cells.length;
      const abs = resolve(out);
      const computed: string[] = [];
      const reused: string[] = [];
      const queue: number[] = [];
      for (const index of indices) {
        const cell = cells[index]!;
        const stored = inspectCell(out, cell);
        if (stored.state === 'done') {
          hooks.onCellStart?.(index + 1, total, cell, true);
          hooks.onCellDone?.(index + 1, total, stored.result, true);
          reused.push(stored.result.id);
        } else {
          queue.push(index);
        }
      }
      // Native products (@ddvi/backend-blas) use 1 BLAS thread unless DDVI_BLAS_THREADS asks for
      // more; `jobs` processes then get at most their share of the cores each (no oversubscription).
      const base = options.env ?? process.env;
      const env = { ...base, ...blasThreadsShare(base[BLAS_THREADS_ENV_VAR], jobs) };
      const logDir = join(abs, CELL_LOGS_DIR);
      mkdirSync(logDir, { recursive: true });
      let failure: Error | undefined;
      // The reports are rewritten one at a time: two rewrites at once would race on their temp files.
      let reporting = Promise.resolve();

      const runOne = async (index: number): Promise<void> => {
        const cell = cells[index]!;
        hooks.onCellStart?.(index + 1, total, cell, false);
        const log = join(logDir, `cell-${index}.log`);
        const { code, signal, tail } = await runCellProcess(command, ['bench', 'run-cell', '--out', abs, '--index', String(index)], log, env);
        const stored = inspectCell(out, cell);
        if (code !== 0 || stored.state !== 'done') {
          const how = signal ? `was killed by ${signal}` : code !== 0 ? `exited with code ${code}` : 'ended without a result file';
          throw new Error(`cell ${index + 1}/${total} (${cellId(cell)}): its process ${how}; log ${log}:\n${tail}`);
        }
        hooks.onCellDone?.(index + 1, total, stored.result, false);
        computed.push(stored.result.id);
        if (options.afterComputed) {
          reporting = reporting.then(options.afterComputed);
          await reporting;
        }
      };

      // `jobs` lanes draw from one queue; after a failure no new cell starts, running ones finish.
      const lane = async (): Promise<void> => {
        while (queue.length > 0 && !failure) {
          const index = queue.shift()!;
          try {
            await runOne(index);
          } catch (e) {
            failure ??= e as Error;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(jobs, Math.max(queue.length, 1)) }, lane));
      if (failure) throw failure;
      return { executor: 'local' as const, computed, reused };
    },
  };
}

/** DDVI_BLAS_THREADS for each of `jobs` processes: the requested count, capped at floor(cores / jobs). */
export function blasThreadsShare(requested: string | undefined, jobs: number, cores = availableParallelism()): Record<string, string> {
  const t = Number(requested);
  if (!requested || !Number.isInteger(t) || t < 1) return {};
  return { [BLAS_THREADS_ENV_VAR]: String(Math.max(1, Math.min(t, Math.floor(cores / jobs)))) };
}

function runCellProcess(
  command: readonly string[], args: string[], logPath: string, env: NodeJS.ProcessEnv | undefined,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; tail: string }> {
  return new Promise((resolveRun, reject) => {
    // Appended: a resumed cell's earlier attempts (its training's epoch lines) stay in its log.
    const log = createWriteStream(logPath, { flags: 'a' });
    log.write(`--- ${new Date().toISOString()}: ${args.join(' ')}\n`);
    const child = spawn(command[0]!, [...command.slice(1), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
    let tail = '';
    const keep = (chunk: Buffer) => {
      log.write(chunk);
      tail = (tail + chunk.toString()).slice(-2000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (e) => {
      log.end();
      reject(new Error(`cannot start ${command[0]} for a cell process: ${e.message}`));
    });
    child.on('close', (code, signal) => log.end(() => resolveRun({ code, signal, tail })));
  });
}
