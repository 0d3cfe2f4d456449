import './kl_rules';

export { DistributionBase } from './distribution';
export { Normal } from './normal';
export { DiagNormal } from './diag_normal';
export { Bernoulli } from './bernoulli';
export { ContinuousBernoulli } from './continuous_bernoulli';
export { Categorical } from './categorical';
export type { CategoricalParams } from './categorical';
export { Mixture } from './mixture';
export { klNormalNormal, klDiagNormalDiagNormal, klBernoulliBernoulli, klCategoricalCategorical } from './kl_rules';
export { real, positive, unitInterval, simplex, integerInterval } from './constraints';
export type { Constraint } from './constraints';
export type { BinaryParams } from './internal/binary_params';
export type { DistributionOptions, ParamInput } from './internal/params';
export { LabelledPrior, LearnedMixture, isLearnablePrior, type LearnedMixtureOptions, type LearnablePrior } from './priors';
export { Prior2D, Pinwheel, SwissRoll, Square, IsotropicGaussian, GaussianMixture, KdePrior, kdeLogProb, createPrior, listPriors, REFERENCE_KDE_BANDWIDTHS, PINWHEEL_RADIAL_CUTOFF_STDS, SWISS_ROLL_QUADRATURE, type ClassSample, type PinwheelOptions, type SwissRollOptions, type SquareOptions, type IsotropicGaussianOptions, type GaussianMixtureOptions, type KdeOptions, type PriorOptions } from './priors';
