import { invalid } from '@ddvi/core';
import { betaSchedule, checkSteps } from './schedule';
import type { NoiseSchedule } from './schedule';

export interface LinearScheduleOptions {
  /** beta_1 (default 1e-4). */
  start?: number;
  /** beta_T (default 0.02). */
  end?: number;
}

/**
 * The DDPM / DDVI paper schedule: beta = linspace(start, end, T), both ends included (T = 1 gives
 * beta_1 = start). abar_T = 0.817 / 0.667 / 0.364 for T = 20 / 40 / 100 with the defaults.
 */
export function linearSchedule(T: number, options: LinearScheduleOptions = {}): NoiseSchedule {
  checkSteps('linearSchedule', T);
  const start = options.start ?? 1e-4;
  const end = options.end ?? 0.02;
  for (const [name, v] of [['start', start], ['end', end]] as const) {
    if (!(Number.isFinite(v) && v > 0 && v < 1)) invalid('linearSchedule', name, 'in (0, 1)', v);
  }
  const betas = new Float64Array(T);
  for (let i = 0; i < T; i++) betas[i] = T === 1 ? start : start + ((end - start) * i) / (T - 1);
  return betaSchedule(betas, 'linear');
}
