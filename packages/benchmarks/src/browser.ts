/**
 * `@ddvi/benchmarks/browser`: the datasets without file access, for pages and web workers (the
 * main entry reads files with node:fs). Same recipes as the main entry: an MNIST subset decoded
 * here is the one `ddvi train --train-limit n` uses, and toySplits is `--dataset toy`.
 */
export { parseIdx, IDX_DEFAULT_MAX_BYTES } from './datasets/idx';
export type { IdxArray, IdxData, IdxDtype, IdxReadOptions } from './datasets/idx';
// TensorDataset lives in @ddvi/core (the genotypes package builds on it too); re-exported where it always was.
export { TensorDataset } from '@ddvi/core';
export type { TensorDatasetOptions } from '@ddvi/core';
export { mnistFromIdx, MNIST_ROWS, MNIST_COLS, MNIST_DATA_SIZE, MNIST_NUM_CLASSES } from './datasets/mnist_decode';
export type { MnistSelection, MnistSources, MnistSplit } from './datasets/mnist_decode';
export { makeToyDataset, makeToyGenerator } from './datasets/toy';
export type { ToyDatasetOptions, ToyGeneratorOptions, ToyGenerator } from './datasets/toy';
export { toySplits, SUBSET_SEED, TOY_TRAIN, TOY_TEST } from './datasets/toy_splits';
export type { SplitOptions, Splits } from './datasets/toy_splits';
