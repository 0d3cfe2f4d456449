import { SeedStream, posteriorFromState } from '@ddvi/core';
import type { PosteriorInit, SerializedModule } from '@ddvi/core';
import { AffineCoupling } from '../bijectors/affine_coupling';
import { Chain } from '../bijectors/chain';
import { AmortizedFlowPosterior } from './amortized_flow';
import type { FlowFamilySpec } from './amortized_flow';
import { integerAtLeast, positiveNumber, resolveWith, widths } from './config_checks';
import { ENCODER_CHECKS, ENCODER_DEFAULTS } from './gaussian_base';
import type { EncoderConfig } from './gaussian_base';

export const REALNVP = 'realnvp';

export interface RealNVPConfig extends EncoderConfig {
  /** Number of coupling layers; masks alternate, so each dimension is transformed in every other layer. */
  layers: number;
  /** Hidden widths of each coupling network. */
  flowHidden: number[];
  /** Log-scales are soft-clamped to +-scaleBound. */
  scaleBound: number;
}

/**
 * Not in the paper (no RealNVP baseline there). Chosen to cost about what the spec's IAF costs:
 * 6 couplings (3 per coordinate when d = 2) with [128, 128] networks, the same encoder and context.
 */
export const REALNVP_DEFAULTS: RealNVPConfig = { ...ENCODER_DEFAULTS, layers: 6, flowHidden: [128, 128], scaleBound: 3 };

export const REALNVP_CHECKS = { ...ENCODER_CHECKS, layers: integerAtLeast(1), flowHidden: widths(true), scaleBound: positiveNumber };

/** Couplings with alternating masks: layer i keeps the dimensions j with j % 2 === i % 2. */
export function couplingChain(name: string, size: number, c: Pick<RealNVPConfig, 'layers' | 'flowHidden' | 'scaleBound' | 'contextSize'>, seed: number): Chain {
  const root = new SeedStream(seed);
  const steps = Array.from({ length: c.layers }, (_, i) => {
    const mask = Array.from({ length: size }, (_, j) => (size > 1 && j % 2 === i % 2 ? 1 : 0));
    return new AffineCoupling({
      size, mask, hidden: c.flowHidden, contextSize: c.contextSize, scaleBound: c.scaleBound, seed: root.fork(`coupling${i}`).next(), name: `${name}.coupling${i}`,
    });
  });
  return new Chain(steps, name);
}

const SPEC: FlowFamilySpec<RealNVPConfig> = {
  family: REALNVP,
  label: 'RealNVPPosterior',
  resolve: (partial) => resolveWith('RealNVPPosterior', REALNVP_DEFAULTS, partial, REALNVP_CHECKS),
  buildFlow: (d, c, seed) => couplingChain('realnvp', d, c, seed),
};

/**
 * RealNVP posterior (Dinh et al. 2017, https://arxiv.org/abs/1605.08803): Gaussian base from the
 * encoder, then affine couplings conditioned on the encoder's context h. Both directions are one
 * pass per layer; log q(z|x) is exact.
 */
export class RealNVPPosterior extends AmortizedFlowPosterior<RealNVPConfig> {
  constructor(latentSize: number, dataSize: number, seed: number, config: Partial<RealNVPConfig> = {}) {
    super(SPEC, latentSize, dataSize, seed, config);
  }

  static create(init: PosteriorInit<RealNVPConfig>): RealNVPPosterior {
    return new RealNVPPosterior(init.latentSize, init.dataSize, init.seed, init.config);
  }

  static fromJSON(state: SerializedModule): RealNVPPosterior {
    return posteriorFromState<RealNVPConfig, RealNVPPosterior>(REALNVP, state, (s) => new RealNVPPosterior(s.latentSize, s.dataSize, s.seed, s.options));
  }
}
