export { parseIdx, IDX_DEFAULT_MAX_BYTES } from './datasets/idx';
export { readIdxFile } from './datasets/idx_file';
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
export { mnistFromIdx } from './datasets/mnist_decode';
export type { MnistSelection, MnistSources } from './datasets/mnist_decode';
export {
  parseCifarRecords, cifarRecordsToBytes, cifarRecordCount, CIFAR_DATA_SIZE, CIFAR_RECORD_BYTES, CIFAR_NUM_CLASSES, CIFAR_SHAPE,
  CIFAR_TRAIN_FILES, CIFAR_TEST_FILES, CIFAR_CLASS_NAMES, CIFAR_SOURCE_HINT,
} from './datasets/cifar_format';
export type { CifarRecords } from './datasets/cifar_format';
export { cifar10Files, cifar10FileSizes, streamCifar10, writeCifarFile, writeCifar10Dir, writeSyntheticCifar10 } from './datasets/cifar_file';
export type { CifarSplit } from './datasets/cifar_file';
export { loadCifar10 } from './datasets/cifar10';
export type { Cifar10Options } from './datasets/cifar10';
export { synthesizeCifar10 } from './datasets/cifar_synthetic';
export type { SyntheticCifarOptions } from './datasets/cifar_synthetic';
export { toySplits } from './datasets/toy_splits';
export { makeToyDataset, makeToyGenerator } from './datasets/toy';
export type { ToyDatasetOptions, ToyGeneratorOptions, ToyGenerator } from './datasets/toy';
export { loadDataset, listDatasets } from './datasets/registry';
export { withLabelBudget } from './datasets/label_budget';
export type { LabelBudgetDataset, LabelBudgetOptions } from './datasets/label_budget';
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
export { expandGrid, cellId, BASELINE_PRIOR } from './runner/cell';
export type { Cell } from './runner/cell';
export { readCell, writeCell, inspectCell, cellChecksum, cellPath, listCellFiles, CELLS_DIR } from './runner/cell_store';
export type { StoredCell } from './runner/cell_store';
export type { CellResult } from './runner/cell_store';
export { METRICS } from './runner/metric_table';
export type { MetricKey, MetricSpec, CellMetrics } from './runner/metric_table';
export { loadSplits, embeddingRows, SUBSET_SEED, SPLIT_DATASETS, TOY_TRAIN, TOY_TEST } from './runner/splits';
export type { SplitOptions, Splits, EmbeddingRows } from './runner/splits';
export { scoreLatents, DEFAULT_CLUSTERING } from './runner/latent_scores';
export type { ClusteringSpec, LatentScoreInput, LatentScores } from './runner/latent_scores';
export { trainingPriorOptions } from './runner/training_prior';
export { runBaselineCell } from './runner/run_baseline';
export type { RunBaselineOptions } from './runner/run_baseline';
export { contactSheetSvg, CONTACT_SHEET } from './runner/contact_sheet';
export { registerEmbedding, listEmbeddings, getEmbedding, pcaProjection } from './baselines/registry';
export type { EmbeddingInput, EmbeddingMethod } from './baselines/registry';
export {
  loadGenotypeTask, genotypeTaskPcs, genotypeSplitRows, checkGenotypeTaskOptions, DEFAULT_GENOTYPE_SIMULATION,
} from './genotypes/task';
export type { GenotypeTaskOptions } from './genotypes/task';
export { runCell, buildCellPair } from './runner/run_cell';
export { cifarSplits, CIFAR_TRUNK, CIFAR_GAUSSIAN_SCALE } from './runner/cifar_splits';
export { prepareDatasetFiles, CIFAR_GENERATED_DIR } from './runner/dataset_files';
export { cellData } from './runner/cell_data';
export type { CellData, TrunkSpec } from './runner/cell_data';
export type { RunCellOptions, LatentPlotter } from './runner/run_cell';
export { latentScatterSvg } from './runner/latent_svg';
export type { LatentScatterInput } from './runner/latent_svg';
export { resultsMarkdown, summaryRows, bestRows, reportNotes } from './runner/report';
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
export { runCellByIndex, partialCheckpointPath, PARTIAL_DIR } from './runner/cell_task';
export type { RunCellByIndexOptions, CellOutcome } from './runner/cell_task';
export { collectReport } from './runner/collect';
export type { CollectReportOptions, CollectedReport } from './runner/collect';
export { SplitCache } from './runner/split_cache';
export { freezeGrid, readFrozenGrid, readGridPlugins, gridPath, GRID_FILE } from './runner/grid';
export type { FrozenGrid } from './runner/grid';
export { createLocalExecutor, EXECUTOR_NAMES } from './runner/executor';
export { createProcessPoolExecutor, CELL_LOGS_DIR } from './runner/process_pool';
export type { ProcessPoolExecutorOptions } from './runner/process_pool';
export type { GridExecutor, LocalExecutor, LocalExecutorOptions, ExecuteOutcome, ExecutorName } from './runner/executor';
export { createSlurmExecutor } from './runner/slurm/executor';
export type { SlurmExecutorOptions } from './runner/slurm/executor';
export { resolveSlurmOptions } from './runner/slurm/options';
export type { SlurmOptions, SlurmOptionsInput } from './runner/slurm/options';
export { SlurmClient, SlurmError, spawnCommand } from './runner/slurm/client';
export type { CommandResult, CommandRunner, TaskStates } from './runner/slurm/client';
export { sbatchScript, shellQuote } from './runner/slurm/script';
export type { SbatchScriptInput } from './runner/slurm/script';
export { arraySpec, taskCells, taskOf } from './runner/slurm/array';
export { readSubmissions, slurmLogPath, SLURM_DIR } from './runner/slurm/jobs';
export type { SlurmSubmission, CellAttempt } from './runner/slurm/jobs';
export { gridStatus, cellsToResubmit } from './runner/slurm/status';
export type { CellState, CellStatus, GridStatus } from './runner/slurm/status';
export { runGridTask } from './runner/slurm/task';
export type { GridTaskOptions } from './runner/slurm/task';
