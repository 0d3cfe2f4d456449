import { DdviError } from '@ddvi/core';
import { SUBSET_SEED, loadSplits as loadBenchSplits } from '@ddvi/benchmarks';
import type { SplitOptions, Splits } from '@ddvi/benchmarks';
import { UsageError } from './errors';

/** The loading recipes live in @ddvi/benchmarks (the bench runner shares them); this adds the flags to messages. */
export type DataOptions = SplitOptions;
export type { Splits };
export { SUBSET_SEED };

/** Loads the train (unless testOnly) and test splits of a dataset, subset as asked; errors name the flags. */
export async function loadSplits(options: DataOptions, testOnly = false): Promise<Splits> {
  if (options.dataset !== 'toy' && options.dataset !== 'mnist') {
    // A dataset registered in @ddvi/benchmarks that has no train/test recipe yet.
    throw new UsageError(`--dataset ${options.dataset}: the ddvi command cannot load it yet (it knows mnist, toy)`);
  }
  const limits = [
    options.trainLimit === undefined || testOnly ? '' : `, --train-limit ${options.trainLimit}`,
    options.testLimit === undefined ? '' : `, --test-limit ${options.testLimit}`,
  ].join('');
  try {
    return await loadBenchSplits(options, testOnly);
  } catch (e) {
    if (e instanceof DdviError) throw new UsageError(`dataset ${options.dataset}${limits}: ${e.message}`);
    throw e;
  }
}
