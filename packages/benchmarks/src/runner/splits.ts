import { ValidationError } from '@ddvi/core';
import { MNIST_COLS, MNIST_ROWS, loadMnist } from '../datasets/mnist';
import { SUBSET_SEED, toySplits } from '../datasets/toy_splits';
import type { SplitOptions, Splits } from '../datasets/toy_splits';

export { SUBSET_SEED, TOY_TRAIN, TOY_TEST } from '../datasets/toy_splits';
export type { SplitOptions, Splits } from '../datasets/toy_splits';

/** The datasets loadSplits knows. */
export const SPLIT_DATASETS: readonly string[] = ['mnist', 'toy'];

/** Loads the train (unless testOnly) and test splits of a dataset, subset as asked. */
export async function loadSplits(options: SplitOptions, testOnly = false): Promise<Splits> {
  if (options.dataset === 'toy') return toySplits(options, testOnly);
  if (options.dataset === 'mnist') {
    const load = (split: 'train' | 'test', n: number | undefined) =>
      loadMnist({ split, dataDir: options.dataDir, ...(n === undefined ? {} : { subset: { n, seed: SUBSET_SEED } }) });
    const test = await load('test', options.testLimit);
    const train = testOnly ? undefined : await load('train', options.trainLimit);
    return { train, test, imageShape: [MNIST_ROWS, MNIST_COLS], labelName: 'digit' };
  }
  throw new ValidationError(`dataset ${JSON.stringify(options.dataset)}: no train/test recipe for it yet (known: ${SPLIT_DATASETS.join(', ')})`);
}
