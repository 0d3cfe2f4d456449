export { DdviError, ValidationError, NonFiniteError, DivergenceError, invalid, mustBe, describeArray, checkPositive, checkPositiveInt, checkShape } from './errors';
export { SeedStream, toSeedStream } from './random/seed_stream';
export type { SeedLike } from './random/seed_stream';
export { permutation } from './random/shuffle';
export { stopGradient, allFinite, tidy } from './ops';
export { LOG_2PI, HALF_LOG_2PI } from './math_constants';
export { initBackend, activeKernels, BACKEND_NAMES, BACKEND_ENV_VAR } from './backend/init';
export type { BackendInfo, BackendName } from './backend/init';
export { BLAS_ENV_VAR, BLAS_THREADS_ENV_VAR } from './backend/blas';
export { installMatMulFix, uninstallMatMulFix, isMatMulFixInstalled, matMulFixStats } from './backend/matmul_fix';
export type { MatMulFixOptions, MatMulFixStats } from './backend/matmul_fix';
export { installSharedIdentity, uninstallSharedIdentity, isSharedIdentityInstalled } from './backend/shared_identity';
export type { Distribution } from './types/distribution';
export { isClassAwarePrior, requireClassAwarePrior } from './class_prior';
export { assignClasses } from './class_assignment';
export type { ClassAssignment } from './class_assignment';
export type { ClassAwarePrior } from './class_prior';
export type { Model, ForwardOptions } from './types/model';
export type { Batch, Dataset } from './types/dataset';
export { TensorDataset } from './data/tensor_dataset';
export type { TensorDatasetOptions } from './data/tensor_dataset';
export type {
  Posterior,
  PosteriorCapabilities,
  PosteriorContext,
  PosteriorInit,
  PosteriorSample,
  SampledDistribution,
  TrainingSurrogate,
  SampleOptions,
  AuxiliaryLoss,
  AuxiliaryContext,
  PhaseSpec,
} from './types/posterior';
export type { Objective, ObjectiveContext, ObjectiveResult } from './types/objective';
export type { JsonValue, SerializedModule, SerializedTensor } from './types/serialized';
export {
  registerPosterior, listPosteriors, getPosteriorFamily, createPosterior, posteriorFromJSON, registerSemiSupervisedForm, semiSupervisedForm,
  semiSupervisedSpec, SEMI_WRAPPER, NoSemiSupervisedFormError,
} from './registry';
export type { SemiSupervisedForm, SemiSupervisedSpec } from './registry';
export type { PosteriorFamily } from './registry';
export { registerKL, klDivergence, hasClosedFormKL } from './kl';
export { serializeTensor, deserializeTensor, serializeVariables, assignVariables } from './serialize';
export { Elbo, linearWarmup } from './objectives/elbo';
export type { ElboOptions, Weight } from './objectives/elbo';
export { Iwae } from './objectives/iwae';
export { Reconstruction } from './objectives/reconstruction';
export type { ReconstructionOptions } from './objectives/reconstruction';
export type { IwaeOptions } from './objectives/iwae';
export { Adam } from './optim/adam';
export type { AdamOptions, AdamState } from './optim/adam';
export { adamUpdate, ADAM_UPDATE, FUSED_ADAM_MAX_SIZE } from './optim/adam_kernel';
export type { AdamUpdateAttrs } from './optim/adam_kernel';
export { Trainer } from './train/trainer';
export { estimateTrainingMemory, checkMemoryFits, formatBytes } from './train/memory_estimate';
export type { MemoryEstimate, MemoryEstimateInput } from './train/memory_estimate';
export type { TrainerOptions, TrainResult, ShardHooks } from './train/trainer';
export { LEARNING_RATE_SCHEDULES, learningRateFactor } from './train/learning_rate_schedule';
export type { LearningRateSchedule } from './train/learning_rate_schedule';
export { DataParallelTrainer } from './train/data_parallel';
export type { DataParallelOptions, DataParallelResult, DataParallelSetup, DataParallelSetupFn } from './train/data_parallel';
export type { TrainEvent } from './train/events';
export { schedulePhases } from './train/phases';
export type { ScheduledPhase } from './train/phases';
export { evaluate, encodeLatents } from './train/evaluate';
export type { EvaluateOptions, Latents } from './train/evaluate';
export { saveCheckpoint, loadCheckpoint, encodeCheckpoint, decodeCheckpoint, CheckpointError } from './checkpoint/checkpoint';
export type { CheckpointPayload, EpochRecord } from './checkpoint/checkpoint';
export { writeFileAtomic } from './checkpoint/atomic_write';
export { posteriorToJSON, posteriorFromState } from './posterior_state';
export { drawFrom } from './draw_from';
export { sampleDraws, sampleTiled, tileDraws } from './draws';
export type { PosteriorState } from './posterior_state';
export { parseConfig, ConfigError, describeSchema, suggestName } from './config/index';
export type { ConfigIssue } from './config/index';
// One zod for every package: a family's config schema is built with the same copy parseConfig reads.
/**
 * zod 4 (https://zod.dev), re-exported: build a family's config schema with this copy, the one
 * `parseConfig` reads. Its own reference is zod's; it is left out of this one.
 *
 * @hidden
 */
export { z } from 'zod';
