import { SeedStream, posteriorFromState } from '@ddvi/core';
import type { PosteriorInit, SerializedModule } from '@ddvi/core';
import type { Bijector } from '../bijectors/bijector';
import { Chain } from '../bijectors/chain';
import { MAFStep } from '../bijectors/maf_step';
import { Permute } from '../bijectors/permute';
import { AmortizedFlowPosterior } from './amortized_flow';
import type { FlowFamilySpec } from './amortized_flow';
import { integerAtLeast, oneOf, positiveNumber, resolveWith, widths } from './config_checks';
import { ENCODER_CHECKS, ENCODER_DEFAULTS } from './gaussian_base';
import type { EncoderConfig } from './gaussian_base';

export const MAF = 'maf';

export interface MAFConfig extends EncoderConfig {
  /** Number of MAF steps, with a coordinate reversal between consecutive steps. */
  layers: number;
  /** MADE hidden widths of each step. */
  flowHidden: number[];
  ordering: 'random' | 'natural';
  /** Log-scales are soft-clamped to +-scaleBound. */
  scaleBound: number;
}

/** Not in the paper. Mirrors the IAF defaults (4 steps, context 10) with [128, 128] MADEs. */
export const MAF_DEFAULTS: MAFConfig = { ...ENCODER_DEFAULTS, layers: 4, flowHidden: [128, 128], ordering: 'natural', scaleBound: 3 };

export const MAF_CHECKS = { ...ENCODER_CHECKS, layers: integerAtLeast(1), flowHidden: widths(false), ordering: oneOf(['random', 'natural']), scaleBound: positiveNumber };

/** MAF steps with a reversal between consecutive steps (so the next step's first dimension was last). */
export function mafChain(name: string, size: number, c: Pick<MAFConfig, 'layers' | 'flowHidden' | 'ordering' | 'scaleBound' | 'contextSize'>, seed: number): Chain {
  const root = new SeedStream(seed);
  const steps: Bijector[] = [];
  for (let i = 0; i < c.layers; i++) {
    if (i > 0) steps.push(Permute.reverse(size, `${name}.reverse${i}`));
    steps.push(
      new MAFStep({
        size, hidden: c.flowHidden, contextSize: c.contextSize, ordering: c.ordering, scaleBound: c.scaleBound,
        seed: root.fork(`step${i}`).next(), name: `${name}.step${i}`,
      }),
    );
  }
  return new Chain(steps, name);
}

const SPEC: FlowFamilySpec<MAFConfig> = {
  family: MAF,
  label: 'MAFPosterior',
  resolve: (partial) => resolveWith('MAFPosterior', MAF_DEFAULTS, partial, MAF_CHECKS),
  buildFlow: (d, c, seed) => mafChain('maf', d, c, seed),
};

/**
 * MAF posterior (Papamakarios et al. 2017, https://arxiv.org/abs/1705.07057): Gaussian base from
 * the encoder, then MAF steps conditioned on h. MAF is autoregressive in the density direction, so
 * drawing z (what a posterior does every step) costs latentSize MADE passes per step, where IAF
 * costs one; with the paper's d = 2 that is 2x. log q(z|x) is exact.
 */
export class MAFPosterior extends AmortizedFlowPosterior<MAFConfig> {
  constructor(latentSize: number, dataSize: number, seed: number, config: Partial<MAFConfig> = {}) {
    super(SPEC, latentSize, dataSize, seed, config);
  }

  static create(init: PosteriorInit<MAFConfig>): MAFPosterior {
    return new MAFPosterior(init.latentSize, init.dataSize, init.seed, init.config);
  }

  static fromJSON(state: SerializedModule): MAFPosterior {
    return posteriorFromState<MAFConfig, MAFPosterior>(MAF, state, (s) => new MAFPosterior(s.latentSize, s.dataSize, s.seed, s.options));
  }
}
