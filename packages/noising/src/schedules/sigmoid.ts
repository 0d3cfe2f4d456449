import { invalid } from '@ddvi/core';
import { betaSchedule, checkSteps } from './schedule';
import type { NoiseSchedule } from './schedule';

export interface SigmoidScheduleOptions {
  /** Smallest beta (approached at t = 1, default 1e-4). */
  start?: number;
  /** Largest beta (approached at t = T, default 0.02). */
  end?: number;
  /** The sigmoid is evaluated on linspace(-range, range, T) (default 6). */
  range?: number;
}

/**
 * Sigmoid-shaped betas, as in the reference code's schedule.py: beta_t = start + (end - start) *
 * sigmoid(x_t) with x = linspace(-range, range, T) (T = 1 gives x = -range).
 */
export function sigmoidSchedule(T: number, options: SigmoidScheduleOptions = {}): NoiseSchedule {
  checkSteps('sigmoidSchedule', T);
  const start = options.start ?? 1e-4;
  const end = options.end ?? 0.02;
  const range = options.range ?? 6;
  for (const [name, v] of [['start', start], ['end', end]] as const) {
    if (!(Number.isFinite(v) && v > 0 && v < 1)) invalid('sigmoidSchedule', name, 'in (0, 1)', v);
  }
  if (!(Number.isFinite(range) && range > 0)) invalid('sigmoidSchedule', 'range', 'a finite number > 0', range);
  const betas = new Float64Array(T);
  for (let i = 0; i < T; i++) {
    const x = T === 1 ? -range : -range + (2 * range * i) / (T - 1);
    betas[i] = start + (end - start) / (1 + Math.exp(-x));
  }
  return betaSchedule(betas, 'sigmoid');
}
