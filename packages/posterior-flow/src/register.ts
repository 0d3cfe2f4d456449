import { registerPosterior } from '@ddvi/core';
import { HIAF, HIAFPosterior } from './families/hiaf';
import type { HIAFConfig } from './families/hiaf';
import { IAF, IAFPosterior } from './families/iaf';
import type { IAFConfig } from './families/iaf';
import { MAF, MAFPosterior } from './families/maf';
import type { MAFConfig } from './families/maf';
import { REALNVP, RealNVPPosterior } from './families/realnvp';
import type { RealNVPConfig } from './families/realnvp';

registerPosterior<IAFConfig>({
  family: IAF,
  description: 'inverse autoregressive flow (sigmoid-gated IAF steps on a Gaussian base, as the spec\'s IAF-VAE)',
  create: (init) => IAFPosterior.create(init),
  fromJSON: (state) => IAFPosterior.fromJSON(state),
});

registerPosterior<HIAFConfig>({
  family: HIAF,
  description: 'two-level hierarchical IAF (z1 auxiliary, scored by a reverse model; the spec\'s H-IAF-VAE)',
  create: (init) => HIAFPosterior.create(init),
  fromJSON: (state) => HIAFPosterior.fromJSON(state),
});

registerPosterior<RealNVPConfig>({
  family: REALNVP,
  description: 'RealNVP affine couplings on a Gaussian base, conditioned on the encoder',
  create: (init) => RealNVPPosterior.create(init),
  fromJSON: (state) => RealNVPPosterior.fromJSON(state),
});

registerPosterior<MAFConfig>({
  family: MAF,
  description: 'masked autoregressive flow on a Gaussian base (sampling is sequential over latent dimensions)',
  create: (init) => MAFPosterior.create(init),
  fromJSON: (state) => MAFPosterior.fromJSON(state),
});
