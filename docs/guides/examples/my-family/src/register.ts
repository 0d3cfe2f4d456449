import { registerPosterior } from '@ddvi/core';
import { FIXED_SCALE } from './config';
import type { FixedScaleConfig } from './config';
import { FixedScalePosterior } from './posterior';

// Importing the package (or `ddvi --require posterior-fixed-scale`) runs this once.
registerPosterior<FixedScaleConfig>({
  family: FIXED_SCALE,
  description: 'Gaussian with a learned mean and a fixed scale (the guide\'s example family)',
  create: (init) => FixedScalePosterior.create(init),
  fromJSON: (state) => FixedScalePosterior.fromJSON(state),
});
