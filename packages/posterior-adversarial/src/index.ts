import './register';

export { AdversarialPosterior, DISCRIMINATOR_ACCURACY } from './posterior';
export { AAE, DEFAULT_CONFIG, ENCODERS, noiseSigma, resolveConfig } from './config';
export type { AdversarialPosteriorConfig } from './config';
