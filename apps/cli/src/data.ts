import { DdviError } from '@ddvi/core';
import { MNIST_COLS, MNIST_ROWS, SUBSET_SEED, loadDataset, loadSplits as loadBenchSplits } from '@ddvi/benchmarks';
import type { SplitOptions, Splits } from '@ddvi/benchmarks';
import { UsageError } from './errors';

/** The toy recipe lives in @ddvi/benchmarks (the bench runner shares it); MNIST is loaded here so messages name the split and flag. */
export type DataOptions = SplitOptions;
export type { Splits };
export { SUBSET_SEED };

/** Loads the train (unless testOnly) and test splits of a dataset, subset as asked; errors name the flags. */
export async function loadSplits(options: DataOptions, testOnly = false): Promise<Splits> {
  if (options.dataset === 'toy') return loadBenchSplits(options, testOnly);
  if (options.dataset === 'mnist') {
    const load = (split: 'train' | 'test', n: number | undefined, flag: string) =>
      withContext(`dataset mnist (${split} split${n === undefined ? '' : `, ${flag} ${n}`})`, () =>
        loadDataset('mnist', { split, dataDir: options.dataDir, ...(n === undefined ? {} : { subset: { n, seed: SUBSET_SEED } }) }),
      );
    const test = await load('test', options.testLimit, '--test-limit');
    const train = testOnly ? undefined : await load('train', options.trainLimit, '--train-limit');
    return { train, test, imageShape: [MNIST_ROWS, MNIST_COLS], labelName: 'digit' };
  }
  // A dataset registered in @ddvi/benchmarks that this command has no recipe for yet.
  throw new UsageError(`--dataset ${options.dataset}: the ddvi command cannot load it yet (it knows mnist, toy)`);
}

async function withContext<T>(what: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    if (e instanceof DdviError) throw new UsageError(`${what}: ${e.message}`);
    throw e;
  }
}
