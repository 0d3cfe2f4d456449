import './register';

export { FixedScalePosterior } from './posterior';
export { FIXED_SCALE, DEFAULT_CONFIG, FixedScaleConfigSchema, resolveConfig } from './config';
export type { FixedScaleConfig } from './config';
