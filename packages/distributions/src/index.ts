export { DistributionBase } from './distribution';
export { DiagNormal } from './diag_normal';
export { Categorical } from './categorical';
export type { CategoricalParams } from './categorical';
export { real, positive, unitInterval, simplex, integerInterval } from './constraints';
export type { Constraint } from './constraints';
export type { DistributionOptions, ParamInput } from './internal/params';
