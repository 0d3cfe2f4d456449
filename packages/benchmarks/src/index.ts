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
export { resolveBenchConfig, benchConfigSchema, DEFAULT_BENCH_PRIORS } from './runner/config';
export type { BenchConfig, BenchConfigInput } from './runner/config';
export { expandGrid, cellId } from './runner/cell';
export type { Cell } from './runner/cell';
export { readCell, writeCell, inspectCell, cellChecksum, cellPath, listCellFiles, CELLS_DIR } from './runner/cell_store';
export type { StoredCell } from './runner/cell_store';
export type { CellResult } from './runner/cell_store';
export { METRICS } from './runner/metric_table';
export type { MetricKey, MetricSpec, CellMetrics } from './runner/metric_table';
export { loadSplits, SUBSET_SEED, SPLIT_DATASETS, TOY_TRAIN, TOY_TEST } from './runner/splits';
export type { SplitOptions, Splits } from './runner/splits';
export { runCell, buildCellPair } from './runner/run_cell';
export type { RunCellOptions, LatentPlotter } from './runner/run_cell';
export { latentScatterSvg } from './runner/latent_svg';
export type { LatentScatterInput } from './runner/latent_svg';
export { resultsMarkdown, summaryRows, bestRows } from './runner/report';
export type { BenchResults, SummaryRow } from './runner/report';
export { runBenchmark, RESULTS_JSON, RESULTS_MD, SETTINGS_FILE } from './runner/run';
export type { BenchHooks, RunBenchmarkOptions, RunBenchmarkResult } from './runner/run';
export { acquireFolderLock, FolderLockedError, LOCK_FILE } from './runner/folder_lock';
export type { FolderLock } from './runner/folder_lock';
export { claimCell, claimPath, describeClaim, HEARTBEAT_MS, DEFAULT_STALE_MS } from './runner/cell_claim';
export type { CellClaim, ClaimResult } from './runner/cell_claim';
export { currentOwner, describeOwner, ownerLiveness } from './runner/lock_owner';
export type { LockOwner } from './runner/lock_owner';
export { systemMemoryBudget, MEMORY_LIMIT_ENV } from './runner/memory_budget';
