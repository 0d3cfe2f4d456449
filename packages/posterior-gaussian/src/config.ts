import { parseConfig, z } from '@ddvi/core';
import { SCALE_PARAMETERIZATIONS, TrunkSchema } from '@ddvi/nn';
import type { TrunkSpec } from '@ddvi/nn';

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
  /** What the encoder reads x with before its MLP (default: nothing, the MLP on the flat x; `{ kind: 'conv', shape }` for images, spec §6). */
  trunk?: TrunkSpec;
}

export const DEFAULT_CONFIG: GaussianPosteriorConfig = { hidden: [1000, 1000], dropout: 0.2, scale: 'sigmoid', minScale: 1e-4 };

/** The config's schema: each key's type and range; unknown keys are rejected with a suggestion. */
export const GaussianConfigSchema = z.strictObject({
  hidden: z.array(z.int().min(1)).default(DEFAULT_CONFIG.hidden),
  dropout: z.number().min(0).lt(1).default(DEFAULT_CONFIG.dropout),
  scale: z.enum(SCALE_PARAMETERIZATIONS).default(DEFAULT_CONFIG.scale),
  minScale: z.number().min(0).default(DEFAULT_CONFIG.minScale),
  trunk: TrunkSchema.optional(),
});

export function resolveConfig(partial: Partial<GaussianPosteriorConfig> = {}): GaussianPosteriorConfig {
  const c = parseConfig(GaussianConfigSchema, partial, 'gaussian posterior');
  return { ...c, hidden: [...c.hidden] };
}
