import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomic } from '@ddvi/core';
import { cellId } from './cell';
import type { Cell } from './cell';
import type { CellMetrics } from './metric_table';

/** Everything measured for one finished cell; written to `<out>/cells/<id>.json`. */
export interface CellResult {
  id: string;
  cell: Cell;
  /** Whether the family has a tractable density (ELBO/IWAE reported) and supports IWAE. */
  capabilities: { hasDensity: boolean; supportsIWAE: boolean };
  metrics: CellMetrics;
  /** The IWAE's k (null when not computed). */
  iwaeK: number | null;
  /** Test-set terms of the final evaluation (bound, reconstruction, kl, ...). */
  test: Record<string, number>;
  data: { train: { name: string; size: number }; test: { name: string; size: number }; dataSize: number; numClasses: number | null };
  steps: { total: number; skipped: number };
  timing: {
    startedAt: string; finishedAt: string; wallSeconds: number; trainSeconds: number; msPerStep: number | null;
    /** Wall seconds per phase of the cell (setup, steps, checkpoints, evaluation, latents, scores, plot); absent in older files. */
    phases?: Record<string, number>;
    /** The kernels the cell computed with ('wasm + OpenBLAS 0.3.21, 1 thread'; core's `activeKernels`); absent in older files. */
    kernels?: string;
  };
  /** Each epoch's mean training terms (bound, reconstruction, kl, ...) and seconds, as the trainer recorded them (a resumed cell's from its checkpoint); absent in older files. */
  epochs?: { epoch: number; phase: string; train: Record<string, number>; seconds: number }[];
  /** Files written for the cell, relative to the run's folder. */
  files: string[];
  /** Set when training diverged (non-finite loss, a family's health check): the metrics are then all null. */
  error?: string;
}

export const CELLS_DIR = 'cells';

export function cellPath(out: string, cell: Cell): string {
  return join(out, CELLS_DIR, `${cellId(cell)}.json`);
}

/** SHA-256 of a cell result's canonical JSON (the file's own `sha256` key left out). */
export function cellChecksum(result: CellResult): string {
  return createHash('sha256').update(JSON.stringify(result)).digest('hex');
}

/**
 * What is on disk for a cell: its verified result, nothing, or a file that fails its check (torn,
 * hand-edited, another cell's) with the reason; a corrupt cell is recomputed, never trusted.
 */
export type StoredCell = { state: 'done'; result: CellResult } | { state: 'missing' } | { state: 'corrupt'; reason: string };

export function inspectCell(out: string, cell: Cell): StoredCell {
  const path = cellPath(out, cell);
  if (!existsSync(path)) return { state: 'missing' };
  let parsed: CellResult & { sha256?: unknown };
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as CellResult & { sha256?: unknown };
  } catch (e) {
    return { state: 'corrupt', reason: `${path}: not valid JSON (${(e as Error).message})` };
  }
  if (parsed === null || typeof parsed !== 'object' || parsed.id !== cellId(cell) || typeof parsed.metrics !== 'object') {
    return { state: 'corrupt', reason: `${path}: not the result of cell ${cellId(cell)}` };
  }
  const { sha256: stored, ...result } = parsed;
  // Files written before checksums existed carry none; they are still read, as before.
  if (stored !== undefined && stored !== cellChecksum(result)) {
    return { state: 'corrupt', reason: `${path}: checksum mismatch (stored ${String(stored)}, computed ${cellChecksum(result)})` };
  }
  return { state: 'done', result };
}

/** The finished cell, or undefined when its file is missing or fails its check (then it is recomputed). */
export function readCell(out: string, cell: Cell): CellResult | undefined {
  const stored = inspectCell(out, cell);
  return stored.state === 'done' ? stored.result : undefined;
}

/** Writes the cell atomically (temp file, fsync, rename) with a SHA-256 of its content that readCell verifies. */
export async function writeCell(out: string, result: CellResult): Promise<void> {
  await writeFileAtomic(cellPath(out, result.cell), `${JSON.stringify({ ...result, sha256: cellChecksum(result) }, null, 2)}\n`);
}

/** Ids of every cell file present (finished cells of this or an earlier grid). */
export function listCellFiles(out: string): string[] {
  const dir = join(out, CELLS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length));
}
