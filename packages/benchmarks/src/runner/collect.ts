import { join } from 'node:path';
import { writeFileAtomic } from '@ddvi/core';
import { expandGrid } from './cell';
import type { Cell } from './cell';
import { readCell } from './cell_store';
import type { CellResult } from './cell_store';
import type { BenchConfig } from './config';
import { CONTACT_SHEET, contactSheetSvg } from './contact_sheet';
import { METRICS } from './metric_table';
import { resultsMarkdown } from './report';
import { rescoreCells } from './rescore';
import type { RescoreOptions } from './rescore';
import { BUDGET_CURVE, budgetCurveSvg } from './semi_report';
import type { BenchResults } from './report';

export const RESULTS_JSON = 'results.json';
export const RESULTS_MD = 'results.md';

export interface CollectReportOptions {
  config: BenchConfig;
  out: string;
  tool: { name: string; version: string };
  versions?: Record<string, string>;
  backend: { name: string; reason: string; kernels?: string };
  /** Start of the invocation that computed the cells; undefined: the span of the cells' own timings. */
  startedMs?: number;
  /**
   * Score the cells' latent metrics again from their kept latents (`<out>/latents/`) with these
   * settings over the run's; the cell files stay as they are, results.json/md show the new numbers
   * and say which metrics were rescored and how (`ddvi bench report --rescore`).
   */
  rescore?: RescoreOptions;
}

export interface CollectedReport {
  results: BenchResults;
  /** Cells of the grid without a result file yet, in grid order. */
  missing: Cell[];
}

/**
 * Reads every finished cell of the grid from `<out>/cells/` (whoever computed it: this process, an
 * earlier run, a Slurm task) and writes results.json and results.md over them, in grid order.
 */
export async function collectReport(options: CollectReportOptions): Promise<CollectedReport> {
  const { config, out } = options;
  const cells: CellResult[] = [];
  const missing: Cell[] = [];
  for (const cell of expandGrid(config)) {
    const r = readCell(out, cell);
    if (r) cells.push(r);
    else missing.push(cell);
  }
  const rescored = options.rescore ? rescoreCells(out, cells, config, options.rescore) : undefined;
  if (rescored) cells.splice(0, cells.length, ...rescored.cells);
  const finishedMs = options.startedMs !== undefined ? Date.now() : latest(cells) ?? Date.now();
  const startedMs = options.startedMs ?? earliest(cells) ?? finishedMs;
  const results: BenchResults = {
    tool: options.tool, versions: options.versions ?? {}, backend: withCellKernels(options.backend, cells), config,
    startedAt: new Date(startedMs).toISOString(), finishedAt: new Date(finishedMs).toISOString(), wallSeconds: (finishedMs - startedMs) / 1000,
    complete: missing.length === 0, cells, metrics: METRICS,
    ...(rescored ? { rescored: { ...rescored.record, at: new Date().toISOString() } } : {}),
  };
  await writeFileAtomic(join(out, RESULTS_JSON), `${JSON.stringify(results, null, 2)}\n`);
  await writeFileAtomic(join(out, RESULTS_MD), resultsMarkdown(results));
  await writeFileAtomic(join(out, CONTACT_SHEET), contactSheetSvg(out, results.cells));
  if (config.labels) await writeFileAtomic(join(out, BUDGET_CURVE), budgetCurveSvg(results.cells));
  return { results, missing };
}

/**
 * The backend with the kernels the cells recorded (each cell process its own: a report collected
 * later, or by a process that did not compute, cannot know them otherwise); one kernels string, or
 * each with its count of cells when they differ. Cells from before the record keep the caller's.
 */
export function withCellKernels(backend: CollectReportOptions['backend'], cells: readonly CellResult[]): CollectReportOptions['backend'] {
  const counts = new Map<string, number>();
  for (const c of cells) if (c.timing.kernels) counts.set(c.timing.kernels, (counts.get(c.timing.kernels) ?? 0) + 1);
  if (counts.size === 0) return backend;
  const unrecorded = cells.length - [...counts.values()].reduce((a, b) => a + b, 0);
  const kernels = counts.size === 1 && unrecorded === 0
    ? [...counts.keys()][0]!
    : [...[...counts].map(([k, n]) => `${k} (${cellCount(n)})`), ...(unrecorded > 0 ? [`not recorded (${cellCount(unrecorded)})`] : [])].join('; ');
  return { ...backend, kernels };
}

function cellCount(n: number): string {
  return `${n} cell${n === 1 ? '' : 's'}`;
}

function earliest(cells: readonly CellResult[]): number | undefined {
  const t = cells.map((c) => Date.parse(c.timing.startedAt)).filter(Number.isFinite);
  return t.length > 0 ? Math.min(...t) : undefined;
}

function latest(cells: readonly CellResult[]): number | undefined {
  const t = cells.map((c) => Date.parse(c.timing.finishedAt)).filter(Number.isFinite);
  return t.length > 0 ? Math.max(...t) : undefined;
}
