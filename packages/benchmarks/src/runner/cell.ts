import type { BenchConfig } from './config';

/** One point of the grid: a family trained with a prior on a dataset with a seed. */
export interface Cell {
  dataset: string;
  family: string;
  prior: string;
  seed: number;
}

/** The cell's file name stem, unique within a run: `<dataset>__<family>__<prior>__seed<seed>`. */
export function cellId(cell: Cell): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '-');
  return `${safe(cell.dataset)}__${safe(cell.family)}__${safe(cell.prior)}__seed${cell.seed}`;
}

/** Cells in a fixed order: datasets, then families, then priors, then seeds. */
export function expandGrid(config: Pick<BenchConfig, 'datasets' | 'families' | 'priors' | 'seeds'>): Cell[] {
  const cells: Cell[] = [];
  for (const dataset of config.datasets) {
    for (const family of config.families) {
      for (const prior of config.priors) {
        for (const seed of config.seeds) cells.push({ dataset, family, prior, seed });
      }
    }
  }
  return cells;
}
