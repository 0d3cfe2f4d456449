import { registerPosterior } from '@ddvi/core';
import { AAE } from './config';
import type { AdversarialPosteriorConfig } from './config';
import { AdversarialPosterior } from './posterior';

registerPosterior<AdversarialPosteriorConfig>({
  family: AAE,
  description: 'adversarial autoencoder (deterministic encoder, prior matched by a discriminator; no density)',
  create: (init) => AdversarialPosterior.create(init),
  fromJSON: (state) => AdversarialPosterior.fromJSON(state),
  // Its own semi-supervised variant (spec §8 aae_semi): the discriminator sees (z, onehot(c)).
  semiSupervised: (classes) => ({ semiSupervised: true, numClasses: classes }),
});
