import { DdviError } from '@ddvi/core';
import type { Dataset } from '@ddvi/core';
import { MNIST_COLS, MNIST_ROWS, SUBSET_SEED, holdOutValidation, loadDataset, loadSplits as loadBenchSplits, withLabelBudget } from '@ddvi/benchmarks';
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
  if (options.dataset === 'cifar10') return withContext('dataset cifar10 (--data-dir)', () => loadBenchSplits(options, testOnly));
  // A dataset registered in @ddvi/benchmarks that this command has no recipe for yet.
  throw new UsageError(`--dataset ${options.dataset}: the ddvi command cannot load it yet (it knows mnist, toy, cifar10)`);
}

async function withContext<T>(what: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    if (e instanceof DdviError) throw new UsageError(`${what}: ${e.message}`);
    throw e;
  }
}

/**
 * With --labels n, the semi-supervised view: n seeded training examples keep their label, the rest
 * and every test example are unlabelled, so the reported test bound is on log p(x), not log p(x | c).
 */
export function semiSupervised(config: { labels?: number; seed: number }, train: Dataset, test: Dataset): { train: Dataset; test: Dataset } {
  if (config.labels === undefined) return { train, test };
  if (config.labels > train.size) throw new UsageError(`--labels ${config.labels}: the training set has only ${train.size} examples`);
  try {
    return { train: withLabelBudget(train, { labelled: config.labels, seed: config.seed }), test: withLabelBudget(test, { labelled: 0, seed: config.seed }) };
  } catch (e) {
    if (e instanceof DdviError) throw new UsageError(`--labels: ${e.message}`);
    throw e;
  }
}

/**
 * With --validation n, n seeded training examples are held out and stand in for the test split
 * (named "<train> validation"), so settings can be chosen without ever scoring on the test set.
 */
export function validationSplit(config: { validation?: number }, train: Dataset, test: Dataset): { train: Dataset; test: Dataset } {
  if (config.validation === undefined) return { train, test };
  try {
    const { train: kept, validation } = holdOutValidation(train, config.validation);
    return { train: kept, test: validation };
  } catch (e) {
    if (e instanceof DdviError) throw new UsageError(`--validation: ${e.message}`);
    throw e;
  }
}
