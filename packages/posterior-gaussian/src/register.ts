import { registerPosterior } from '@ddvi/core';
import { GAUSSIAN } from './config';
import type { GaussianPosteriorConfig } from './config';
import { GaussianPosterior } from './posterior';

registerPosterior<GaussianPosteriorConfig>({
  family: GAUSSIAN,
  description: 'mean-field Gaussian (the VAE encoder)',
  create: (init) => GaussianPosterior.create(init),
  fromJSON: (state) => GaussianPosterior.fromJSON(state),
});
