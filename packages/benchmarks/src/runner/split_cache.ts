import type { Cell } from './cell';
import type { BenchConfig } from './config';
import { holdOutValidation } from '../datasets/validation_split';
import { loadSplits } from './splits';
import type { Splits } from './splits';

/**
 * The splits of the cells run by one process. MNIST splits do not depend on the prior; the toy
 * dataset's latents come from it. One dataset's splits are kept at a time: the grid is ordered by
 * dataset, then family.
 */
export class SplitCache {
  private readonly cache = new Map<string, Splits>();

  async get(config: BenchConfig, cell: Cell): Promise<Splits> {
    const key = cell.dataset === 'toy' && !cell.baseline ? `${cell.dataset}/${cell.prior}` : cell.dataset;
    let s = this.cache.get(key);
    if (!s) {
      if (cell.dataset !== 'toy') this.cache.clear();
      s = await loadSplits({
        // A baseline has no prior; the toy data then takes the grid's first.
        dataset: cell.dataset, prior: cell.baseline ? config.priors[0]! : cell.prior, latentSize: config.latentSize,
        ...(config.genotypes ? { genotypes: config.genotypes } : {}),
        ...(config.dataDir ? { dataDir: config.dataDir } : {}),
        ...(config.trainLimit !== undefined ? { trainLimit: config.trainLimit } : {}),
        ...(config.testLimit !== undefined ? { testLimit: config.testLimit } : {}),
      });
      if (config.validation !== undefined) s = validationSplits(s, config.validation);
      this.cache.set(key, s);
    }
    return s;
  }
}

/** The splits with `n` held-out training examples in place of the test split (the bench config's `validation`). */
function validationSplits(s: Splits, n: number): Splits {
  if (!s.train) return s;
  if (s.embedding) throw new Error('bench config validation: not available for a dataset with its own embedding rows (genotypes); use its testFraction');
  const { train, validation } = holdOutValidation(s.train, n);
  return { ...s, train, test: validation };
}
