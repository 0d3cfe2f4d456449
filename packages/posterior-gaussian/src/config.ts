import { ValidationError } from '@ddvi/core';
import { SCALE_PARAMETERIZATIONS } from '@ddvi/nn';

export { SCALE_PARAMETERIZATIONS };

export const GAUSSIAN = 'gaussian';

export interface GaussianPosteriorConfig {
  /** Encoder hidden widths; the paper's MNIST encoder is 784 -> 1000 -> 1000 -> (mu, s). */
  hidden: number[];
  dropout: number;
  /**
   * How the encoder's second head becomes a scale. 'sigmoid' is the reference VAE's
   * variance = sigmoid(s) (so variances lie in (0, 1)); 'softplus' gives scale = softplus(s) + minScale;
   * 'exp' reads the head as a log-variance (DDVI's encoder).
   */
  scale: (typeof SCALE_PARAMETERIZATIONS)[number];
  minScale: number;
}

export const DEFAULT_CONFIG: GaussianPosteriorConfig = { hidden: [1000, 1000], dropout: 0.2, scale: 'sigmoid', minScale: 1e-4 };

export function resolveConfig(partial: Partial<GaussianPosteriorConfig> = {}): GaussianPosteriorConfig {
  const known = Object.keys(DEFAULT_CONFIG);
  for (const k of Object.keys(partial)) {
    if (!known.includes(k)) throw new ValidationError(`gaussian posterior: unknown config key ${JSON.stringify(k)}; known keys: ${known.join(', ')}`);
  }
  const c = { ...DEFAULT_CONFIG, ...partial };
  if (!SCALE_PARAMETERIZATIONS.includes(c.scale)) {
    throw new ValidationError(`gaussian posterior: scale must be one of ${SCALE_PARAMETERIZATIONS.join(', ')}, got ${JSON.stringify(c.scale)}`);
  }
  if (!(c.dropout >= 0 && c.dropout < 1)) throw new ValidationError(`gaussian posterior: dropout must be in [0, 1), got ${c.dropout}`);
  if (!(c.minScale >= 0)) throw new ValidationError(`gaussian posterior: minScale must be >= 0, got ${c.minScale}`);
  return c;
}
