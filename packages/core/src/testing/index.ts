export { describePosteriorConformance } from './conformance';
export { boundFailures } from './conformance';
export type { BoundCheck, ConformanceOptions } from './conformance';
export { LinearGaussianModel, referenceLinearGaussian } from './linear_gaussian';
export type { LinearGaussianOptions } from './linear_gaussian';
export { TestGaussian } from './gaussian';
export { testSeed, leakedTensors, expectNoLeak, onBackend } from './helpers';
