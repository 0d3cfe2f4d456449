import './register';

export { DdviPosterior } from './posterior';
export type { ReverseTrajectory } from './reverse_chain';
export { ConditionalDenoiser } from './denoiser';
export type { DenoiserOptions, DenoiserParameters } from './denoiser';
export { elementwiseLoss } from './losses';
export { ddviPhases } from './phases';
export { DDVI, DEFAULT_CONFIG, REFERENCE_TRAINING, REVERSE_MEANS, PREDICTIONS, REVERSE_VARIANCES, WAKE_LOSSES, SLEEP_LOSSES, FANTASIES, GUIDANCE_GRADIENTS, DdviConfigSchema, resolveConfig } from './config';
export type { DdviPosteriorConfig, DdviConfigInput, GuidanceGradient } from './config';
export { setFusedReverseStep, fusedReverseStepAvailable } from './step_kernel';
