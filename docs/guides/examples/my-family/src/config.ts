import { ValidationError } from '@ddvi/core';

/** The family's registry name: `ddvi train --posterior fixed-scale`, `ddvi bench --families fixed-scale`. */
export const FIXED_SCALE = 'fixed-scale';

export interface FixedScaleConfig {
  /** Encoder hidden widths (the benchmark passes its --hidden to every family under this key). */
  hidden: number[];
  /** The standard deviation of q(z | x) in every latent dimension, for every x. */
  scale: number;
}

export const DEFAULT_CONFIG: FixedScaleConfig = { hidden: [256, 256], scale: 0.1 };

/** Fills defaults and validates; unknown keys are errors, so a typo does not silently do nothing. */
export function resolveConfig(partial: Partial<FixedScaleConfig> = {}): FixedScaleConfig {
  const known = Object.keys(DEFAULT_CONFIG);
  for (const key of Object.keys(partial)) {
    if (!known.includes(key)) throw new ValidationError(`${FIXED_SCALE} posterior: unknown config key ${JSON.stringify(key)}; known keys: ${known.join(', ')}`);
  }
  const config = { ...DEFAULT_CONFIG, ...partial };
  if (!(Number.isFinite(config.scale) && config.scale > 0)) {
    throw new ValidationError(`${FIXED_SCALE} posterior: scale must be a number > 0, got ${JSON.stringify(config.scale)}`);
  }
  if (!Array.isArray(config.hidden) || !config.hidden.every((w) => Number.isInteger(w) && w >= 1)) {
    throw new ValidationError(`${FIXED_SCALE} posterior: hidden must be an array of integers >= 1, got ${JSON.stringify(config.hidden)}`);
  }
  return config;
}
