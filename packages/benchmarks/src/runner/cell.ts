import type { BenchConfig } from './config';

/**
 * One point of the grid: a family trained with a prior on a dataset with a seed; or, with
 * `baseline`, a baseline embedding method (named in `family`, prior BASELINE_PRIOR) on the dataset.
 */
export interface Cell {
  dataset: string;
  family: string;
  prior: string;
  seed: number;
  baseline?: true;
  /** Semi-supervised: the number of training labels kept (spec D6); absent for an unsupervised cell. */
  labels?: number;
}

/** The prior column of a baseline's cell: it has none. */
export const BASELINE_PRIOR = '-';

/** The cell's file name stem, unique within a run: `<dataset>__<family>__<prior>__seed<seed>`. */
export function cellId(cell: Cell): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '-');
  if (cell.baseline) return `${safe(cell.dataset)}__baseline-${safe(cell.family)}__seed${cell.seed}`;
  const budget = cell.labels === undefined ? '' : `__labels${cell.labels}`;
  return `${safe(cell.dataset)}__${safe(cell.family)}__${safe(cell.prior)}${budget}__seed${cell.seed}`;
}

/**
 * Cells in a fixed order: datasets, then families, then priors, then label budgets (when set), then
 * seeds; each dataset's baselines after its families.
 */
export function expandGrid(config: Pick<BenchConfig, 'datasets' | 'families' | 'priors' | 'seeds'> & { baselines?: string[]; labels?: number[] }): Cell[] {
  const cells: Cell[] = [];
  for (const dataset of config.datasets) {
    for (const family of config.families) {
      for (const prior of config.priors) {
        for (const labels of config.labels ?? [undefined]) {
          for (const seed of config.seeds) cells.push({ dataset, family, prior, seed, ...(labels === undefined ? {} : { labels }) });
        }
      }
    }
    for (const family of config.baselines ?? []) {
      for (const seed of config.seeds) cells.push({ dataset, family, prior: BASELINE_PRIOR, seed, baseline: true });
    }
  }
  return cells;
}
