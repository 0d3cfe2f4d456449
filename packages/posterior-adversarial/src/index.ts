import './register';

export { AdversarialPosterior, DISCRIMINATOR_ACCURACY } from './posterior';
export { AAE, AdversarialConfigSchema, DEFAULT_CONFIG, ENCODERS, noiseSigma, resolveConfig } from './config';
export type { AdversarialPosteriorConfig } from './config';
