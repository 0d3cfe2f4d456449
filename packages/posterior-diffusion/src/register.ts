import { registerPosterior } from '@ddvi/core';
import { DDVI } from './config';
import type { DdviConfigInput } from './config';
import { DdviPosterior } from './posterior';

registerPosterior<DdviConfigInput>({
  family: DDVI,
  description: 'DDVI: Gaussian encoder + learned reverse diffusion chain over auxiliary latents, wake-sleep training',
  create: (init) => DdviPosterior.create(init),
  fromJSON: (state, context) => DdviPosterior.fromJSON(state, context),
  // Its own semi-supervised form (docs/ddvi.md, "Semi-supervised"): the classes conditioning the chain.
  semiSupervised: (classes) => ({ classes }),
});
