import './register';

export { GaussianPosterior } from './posterior';
export { GAUSSIAN, DEFAULT_CONFIG, SCALE_PARAMETERIZATIONS, GaussianConfigSchema, resolveConfig } from './config';
export type { GaussianPosteriorConfig } from './config';
