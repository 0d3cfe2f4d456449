import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError, writeFileAtomic } from '@ddvi/core';
import { resolveBenchConfig } from './config';
import type { BenchConfig, BenchConfigInput } from './config';
import { checkSettings } from './settings';
import { resolveSlurmOptions } from './slurm/options';
import type { SlurmOptions } from './slurm/options';

/** The frozen grid: what every process that runs a cell of `<out>` reads (a Slurm task, a resume, a report). */
export const GRID_FILE = 'grid.json';

export interface FrozenGrid {
  config: BenchConfig;
  /** The tfjs backend every cell runs on: cells are deterministic per backend, so tasks share one. */
  backend?: string;
  /** Checkpoint each cell's training every this many steps (undefined: after each epoch only). */
  checkpointEverySteps?: number;
  /** How the grid is submitted to Slurm (absent for a local run). */
  slurm?: SlurmOptions;
  /**
   * Modules (file URLs) imported before the grid is read: plugin families, priors or noising
   * processes the config names. A task imports them (`readGridPlugins`) before `readFrozenGrid`,
   * whose validation looks the config's names up in the registries.
   */
  plugins?: string[];
}

export function gridPath(out: string): string {
  return join(out, GRID_FILE);
}

/**
 * Writes `<out>/grid.json` after checking the folder's settings. With `replace` false a folder that
 * already holds another grid is refused: Slurm tasks name their cells by index into the frozen grid,
 * so changing it under queued tasks would make them train other cells.
 */
export async function freezeGrid(out: string, grid: FrozenGrid, replace: boolean): Promise<void> {
  await checkSettings(out, grid.config);
  const path = gridPath(out);
  if (!replace && existsSync(path)) {
    const saved = readFrozenGrid(out);
    const axes = (g: FrozenGrid) => JSON.stringify([g.config.datasets, g.config.families, g.config.priors, g.config.seeds, g.config.baselines, g.config.labels ?? null]);
    if (axes(saved) !== axes(grid)) {
      throw new ValidationError(
        `${out} holds another grid (${describeAxes(saved.config)}; now ${describeAxes(grid.config)}): ` +
          `continue it with \`ddvi bench resume --out ${out}\`, or choose another output folder`,
      );
    }
  }
  await writeFileAtomic(path, `${JSON.stringify(grid, null, 2)}\n`);
}

function describeAxes(c: BenchConfig): string {
  const budgets = c.labels ? `, labels ${c.labels.join(',')}` : '';
  return `datasets ${c.datasets.join(',')}, families ${c.families.join(',')}, priors ${c.priors.join(',')}${budgets}, seeds ${c.seeds.join(',')}`;
}

/** The grid frozen in `<out>`, validated as a fresh config would be. */
export function readFrozenGrid(out: string): FrozenGrid {
  const path = gridPath(out);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const why = existsSync(path) ? (e as Error).message : 'no such file';
    throw new ValidationError(`${path}: cannot read the frozen grid (${why}); is ${out} a folder written by \`ddvi bench\`?`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ValidationError(`${path}: must hold a JSON object with a config`);
  const g = raw as Record<string, unknown>;
  const grid: FrozenGrid = { config: resolveBenchConfig(g.config as BenchConfigInput) };
  if (g.backend !== undefined) {
    if (typeof g.backend !== 'string') throw new ValidationError(`${path}: backend must be a backend name, got ${JSON.stringify(g.backend)}`);
    grid.backend = g.backend;
  }
  if (g.checkpointEverySteps !== undefined) {
    const n = g.checkpointEverySteps;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new ValidationError(`${path}: checkpointEverySteps must be an integer >= 1, got ${JSON.stringify(n)}`);
    grid.checkpointEverySteps = n;
  }
  if (g.slurm !== undefined) grid.slurm = resolveSlurmOptions(g.slurm);
  const plugins = pluginsOf(g, path);
  if (plugins.length > 0) grid.plugins = plugins;
  return grid;
}

function pluginsOf(g: Record<string, unknown>, path: string): string[] {
  if (g.plugins === undefined) return [];
  if (!Array.isArray(g.plugins) || !g.plugins.every((p) => typeof p === 'string' && p !== '')) {
    throw new ValidationError(`${path}: plugins must be an array of module URLs, got ${JSON.stringify(g.plugins)}`);
  }
  return g.plugins as string[];
}

/**
 * The plugin modules of the grid frozen in `<out>`, read without validating the rest (which needs
 * them imported first). A missing or unreadable file gives none; `readFrozenGrid` reports it.
 */
export function readGridPlugins(out: string): string[] {
  const path = gridPath(out);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return [];
  }
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? pluginsOf(raw as Record<string, unknown>, path) : [];
}
