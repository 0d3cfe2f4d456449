import { existsSync, readFileSync, readdirSync } from 'node:fs';
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
  timing: { startedAt: string; finishedAt: string; wallSeconds: number; trainSeconds: number; msPerStep: number | null };
  /** Files written for the cell, relative to the run's folder. */
  files: string[];
  /** Set when training diverged (non-finite loss, a family's health check): the metrics are then all null. */
  error?: string;
}

export const CELLS_DIR = 'cells';

export function cellPath(out: string, cell: Cell): string {
  return join(out, CELLS_DIR, `${cellId(cell)}.json`);
}

/** The finished cell, or undefined when its file is missing or unreadable (then it is recomputed). */
export function readCell(out: string, cell: Cell): CellResult | undefined {
  const path = cellPath(out, cell);
  if (!existsSync(path)) return undefined;
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as CellResult;
    return r.id === cellId(cell) && typeof r.metrics === 'object' ? r : undefined;
  } catch {
    return undefined;
  }
}

export async function writeCell(out: string, result: CellResult): Promise<void> {
  await writeFileAtomic(cellPath(out, result.cell), `${JSON.stringify(result, null, 2)}\n`);
}

/** Ids of every cell file present (finished cells of this or an earlier grid). */
export function listCellFiles(out: string): string[] {
  const dir = join(out, CELLS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length));
}
