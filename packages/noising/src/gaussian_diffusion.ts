import { ValidationError } from '@ddvi/core';
import { GaussianMarkovProcess } from './gaussian_markov';
import { alphasCumprodSchedule, betaSchedule } from './schedules/schedule';
import type { NoiseSchedule } from './schedules/schedule';

/**
 * Variance-preserving Gaussian diffusion (DDPM): r(y_t | y_{t-1}) = N(sqrt(alpha_t) y_{t-1}, beta_t I),
 * r(y_t | y_0) = N(sqrt(abar_t) y_0, (1 - abar_t) I), and the posterior
 * r(y_{t-1} | y_t, y_0) = N(mutilde_t, betatilde_t I) of the spec §1 (betatilde_1 = 0).
 *
 * @example
 * const r = new GaussianDiffusion(linearSchedule(40));   // the paper's DDVI setting
 * const { yt, noise } = r.marginalSample(y0, t, seed);    // t: int32 [B] in 1..40
 * r.dispose();
 */
export class GaussianDiffusion extends GaussianMarkovProcess {
  readonly schedule: NoiseSchedule;

  constructor(schedule: NoiseSchedule) {
    if (schedule === null || typeof schedule !== 'object' || !(schedule.betas instanceof Float64Array)) {
      throw new ValidationError('GaussianDiffusion: schedule must be a NoiseSchedule (linearSchedule, cosineSchedule, sigmoidSchedule, betaSchedule or alphasCumprodSchedule)');
    }
    const { T, betas, alphasCumprod, oneMinusAlphasCumprod } = schedule;
    super(`gaussian-diffusion(${schedule.kind})`, {
      T,
      dim: 1,
      a: betas.map((b) => Math.sqrt(1 - b)),
      b: betas,
      m: alphasCumprod.map(Math.sqrt),
      s2: oneMinusAlphasCumprod,
    });
    this.schedule = schedule;
  }

  /** A diffusion from user-given betas beta_1..beta_T (validated: each in (0, 1)). */
  static fromBetas(betas: ArrayLike<number>): GaussianDiffusion {
    return new GaussianDiffusion(betaSchedule(betas));
  }

  /** A diffusion from user-given abar_1..abar_T (validated: in (0, 1], strictly decreasing). */
  static fromAlphasCumprod(alphasCumprod: ArrayLike<number>): GaussianDiffusion {
    return new GaussianDiffusion(alphasCumprodSchedule(alphasCumprod));
  }
}
