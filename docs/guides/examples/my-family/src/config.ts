import { parseConfig, z } from '@ddvi/core';

/** The family's registry name: `ddvi train --posterior fixed-scale`, `ddvi bench --families fixed-scale`. */
export const FIXED_SCALE = 'fixed-scale';

export interface FixedScaleConfig {
  /** Encoder hidden widths (the benchmark passes its --hidden to every family under this key). */
  hidden: number[];
  /** The standard deviation of q(z | x) in every latent dimension, for every x. */
  scale: number;
}

export const DEFAULT_CONFIG: FixedScaleConfig = { hidden: [256, 256], scale: 0.1 };

/**
 * The config's schema, with `z` from @ddvi/core (the copy parseConfig reads): each key's type and
 * range, its default; `strictObject` rejects unknown keys, so a typo does not silently do nothing.
 */
export const FixedScaleConfigSchema = z.strictObject({
  hidden: z.array(z.int().min(1)).default(DEFAULT_CONFIG.hidden),
  scale: z.number().positive().default(DEFAULT_CONFIG.scale),
});

/** Fills defaults and validates: a bad value throws a ConfigError naming the key, what it expects and what it got. */
export function resolveConfig(partial: Partial<FixedScaleConfig> = {}): FixedScaleConfig {
  const config = parseConfig(FixedScaleConfigSchema, partial, `${FIXED_SCALE} posterior`);
  return { ...config, hidden: [...config.hidden] };
}
