export { DdviError, ValidationError, NonFiniteError, invalid, checkPositive, checkPositiveInt, checkShape } from './errors';
export { SeedStream, toSeedStream } from './random/seed_stream';
export type { SeedLike } from './random/seed_stream';
export { permutation } from './random/shuffle';
export { stopGradient, allFinite } from './ops';
export { initBackend } from './backend/init';
export type { BackendInfo, BackendName } from './backend/init';
export type { Distribution } from './types/distribution';
export type { Model, ForwardOptions } from './types/model';
export type { Batch, Dataset } from './types/dataset';
export type {
  Posterior,
  PosteriorCapabilities,
  PosteriorInit,
  PosteriorSample,
  SampleOptions,
  AuxiliaryLoss,
  AuxiliaryContext,
  PhaseSpec,
} from './types/posterior';
export type { Objective, ObjectiveContext, ObjectiveResult } from './types/objective';
export type { JsonValue, SerializedModule, SerializedTensor } from './types/serialized';
export { registerPosterior, listPosteriors, getPosteriorFamily, createPosterior, posteriorFromJSON } from './registry';
export type { PosteriorFamily } from './registry';
export { registerKL, klDivergence, hasClosedFormKL } from './kl';
export { serializeTensor, deserializeTensor, serializeVariables, assignVariables } from './serialize';
