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
export { knnAccuracy, knnAccuracySameSet } from './metrics/knn';
export type { KnnAccuracyOptions, KnnAccuracySameSetOptions } from './metrics/knn';
export { logisticRegressionAccuracy, fitLogisticRegression, predictLogisticRegression } from './metrics/logistic_regression';
export type { LogisticRegressionOptions, LogisticRegressionModel } from './metrics/logistic_regression';
export { kMeans } from './metrics/kmeans';
export type { KMeansOptions, KMeansResult } from './metrics/kmeans';
export { gaussianMixture, gaussianMixtureLogLikelihood } from './metrics/gaussian_mixture';
export type { GaussianMixtureOptions, GaussianMixtureModel, GaussianMixtureResult } from './metrics/gaussian_mixture';
export { nmi } from './metrics/nmi';
export { purity } from './metrics/purity';
export { homogeneityCompleteness, homogeneity, completeness, vMeasure } from './metrics/homogeneity';
export type { HomogeneityCompleteness } from './metrics/homogeneity';
export { clusteringError } from './metrics/clustering_error';
export type { ClusteringErrorOptions } from './metrics/clustering_error';
export { latentNll } from './metrics/latent_nll';
export type { LatentNllOptions } from './metrics/latent_nll';
export { mmd, REFERENCE_MMD_SIGMAS } from './metrics/mmd';
export type { MmdOptions } from './metrics/mmd';
export { summarize } from './metrics/summarize';
export type { Summary } from './metrics/summarize';
export { studentTQuantile } from './metrics/student_t';
export type { PointsInput, LabelsInput } from './metrics/points';
export * from './genotypes/index';
