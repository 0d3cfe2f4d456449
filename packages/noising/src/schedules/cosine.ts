import { invalid } from '@ddvi/core';
import { betaSchedule, checkSteps } from './schedule';
import type { NoiseSchedule } from './schedule';

export interface CosineScheduleOptions {
  /** Offset s (default 0.008) that keeps beta_1 from being vanishingly small. */
  s?: number;
  /** Upper clip of each beta (default 0.999), which keeps beta_T < 1. */
  maxBeta?: number;
}

/**
 * Nichol & Dhariwal (2021): f(u) = cos(((u / T) + s) / (1 + s) * pi / 2)^2, abar(u) = f(u) / f(0),
 * beta_t = min(1 - abar(t) / abar(t - 1), maxBeta). The betas (not abar) are clipped, so the
 * schedule's abar is the product of the clipped betas.
 */
export function cosineSchedule(T: number, options: CosineScheduleOptions = {}): NoiseSchedule {
  checkSteps('cosineSchedule', T);
  const s = options.s ?? 0.008;
  const maxBeta = options.maxBeta ?? 0.999;
  if (!(Number.isFinite(s) && s >= 0)) invalid('cosineSchedule', 's', 'a finite number >= 0', s);
  if (!(maxBeta > 0 && maxBeta < 1)) invalid('cosineSchedule', 'maxBeta', 'in (0, 1)', maxBeta);
  const f = (u: number) => Math.cos((((u / T) + s) / (1 + s)) * (Math.PI / 2)) ** 2;
  const betas = new Float64Array(T);
  for (let t = 1; t <= T; t++) betas[t - 1] = Math.min(1 - f(t) / f(t - 1), maxBeta);
  return betaSchedule(betas, 'cosine');
}
