import { SeedStream, posteriorFromState } from '@ddvi/core';
import type { PosteriorInit, SerializedModule } from '@ddvi/core';
import type { Bijector } from '../bijectors/bijector';
import { Chain } from '../bijectors/chain';
import { IAFStep } from '../bijectors/iaf_step';
import { Permute } from '../bijectors/permute';
import { AmortizedFlowPosterior } from './amortized_flow';
import type { FlowFamilySpec } from './amortized_flow';
import { finiteNumber, integerAtLeast, oneOf, resolveWith, widths } from './config_checks';
import { ENCODER_CHECKS, ENCODER_DEFAULTS } from './gaussian_base';
import type { EncoderConfig } from './gaussian_base';

export const IAF = 'iaf';

export interface IAFConfig extends EncoderConfig {
  /** Number of IAF steps (the reference: 4). */
  layers: number;
  /** MADE hidden widths of each step (the reference: [128, 128, 128]). */
  flowHidden: number[];
  /** MADE input ordering per step: 'random' (seeded, the reference) or 'natural'. */
  ordering: 'random' | 'natural';
  /** Added to every gate's pre-activation (0 in the reference). */
  gateBias: number;
}

/** The spec's IAF-VAE (§8): 4 steps, MADE 2 -> [128, 128, 128] -> 4, context 10. */
export const IAF_DEFAULTS: IAFConfig = { ...ENCODER_DEFAULTS, layers: 4, flowHidden: [128, 128, 128], ordering: 'random', gateBias: 0 };

export const IAF_CHECKS = { ...ENCODER_CHECKS, layers: integerAtLeast(1), flowHidden: widths(false), ordering: oneOf(['random', 'natural']), gateBias: finiteNumber };

/** What an IAF chain needs from a config (H-IAF builds two chains from its own). */
export type IAFFlowSettings = Pick<IAFConfig, 'layers' | 'flowHidden' | 'ordering' | 'gateBias' | 'contextSize'>;

/**
 * IAF steps, each followed on odd layers by a coordinate flip (the reference's parity = i % 2), so
 * with d = 2 each coordinate is transformed conditioned on the other in alternate layers.
 */
export function iafChain(name: string, latentSize: number, c: IAFFlowSettings, seed: number): Chain {
  const steps: Bijector[] = [];
  const root = new SeedStream(seed);
  for (let i = 0; i < c.layers; i++) {
    steps.push(
      new IAFStep({
        size: latentSize, hidden: c.flowHidden, contextSize: c.contextSize, ordering: c.ordering, gateBias: c.gateBias,
        seed: root.fork(`step${i}`).next(), name: `${name}.step${i}`,
      }),
    );
    if (i % 2 === 1) steps.push(Permute.reverse(latentSize, `${name}.flip${i}`));
  }
  return new Chain(steps, name);
}

const SPEC: FlowFamilySpec<IAFConfig> = {
  family: IAF,
  label: 'IAFPosterior',
  resolve: (partial) => resolveWith('IAFPosterior', IAF_DEFAULTS, partial, IAF_CHECKS),
  buildFlow: (d, c, seed) => iafChain('iaf', d, c, seed),
};

/**
 * Inverse autoregressive flow posterior (Kingma et al. 2016, https://arxiv.org/abs/1606.04934) as
 * the spec's IAF-VAE configures it: Gaussian base N(mu(x), sigma(x)^2) with sigma^2 = sigmoid(s),
 * then `layers` sigmoid-gated IAF steps conditioned on the encoder's context h. Sampling is one
 * pass per step; log q(z|x) is exact. The reference's logvar quirk in log q is not copied (D1).
 */
export class IAFPosterior extends AmortizedFlowPosterior<IAFConfig> {
  constructor(latentSize: number, dataSize: number, seed: number, config: Partial<IAFConfig> = {}) {
    super(SPEC, latentSize, dataSize, seed, config);
  }

  static create(init: PosteriorInit<IAFConfig>): IAFPosterior {
    return new IAFPosterior(init.latentSize, init.dataSize, init.seed, init.config);
  }

  static fromJSON(state: SerializedModule): IAFPosterior {
    return posteriorFromState<IAFConfig, IAFPosterior>(IAF, state, (s) => new IAFPosterior(s.latentSize, s.dataSize, s.seed, s.options));
  }
}
