export { parseIdx, readIdxFile, IDX_DEFAULT_MAX_BYTES } from './datasets/idx';
export type { IdxArray, IdxData, IdxDtype, IdxReadOptions } from './datasets/idx';
export { TensorDataset } from './datasets/tensor_dataset';
export type { TensorDatasetOptions } from './datasets/tensor_dataset';
export {
  loadMnist,
  mnistFiles,
  defaultMnistDir,
  MNIST_ROWS,
  MNIST_COLS,
  MNIST_DATA_SIZE,
  MNIST_NUM_CLASSES,
} from './datasets/mnist';
export type { MnistOptions, MnistSplit } from './datasets/mnist';
export { makeToyDataset, makeToyGenerator } from './datasets/toy';
export type { ToyDatasetOptions, ToyGeneratorOptions, ToyGenerator } from './datasets/toy';
export { loadDataset, listDatasets } from './datasets/registry';
export type { DatasetName, DatasetOptionsByName } from './datasets/registry';
export * from './genotypes/index';
