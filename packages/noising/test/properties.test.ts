import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allFinite } from '@ddvi/core';
import { GaussianDiffusion, VarianceExploding, alphasCumprodSchedule, betaSchedule } from '../src';
import type { GaussianMarkovProcess } from '../src';

/** Host tables finite; for t >= 2: 0 < posterior variance <= b_t and <= s_{t-1}^2 (up to float64 rounding, 1e-12 relative). */
function tablesOk(p: GaussianMarkovProcess): boolean {
  for (const arr of Object.values(p.host)) for (const v of arr) if (!Number.isFinite(v)) return false;
  for (let t = 2; t <= p.T; t++) {
    const pv = p.host.postVar[t]!;
    const tol = 1 + 1e-12; // beta_t and 1 - abar_t are rounded separately in float64
    if (!(pv > 0 && pv <= p.host.b[t]! * tol && pv <= p.host.s[t - 1]! ** 2 * tol)) return false;
  }
  return true;
}

/** Posterior of a batch covering every step: finite means and log-variances, variance >= 0. */
function outputsOk(p: GaussianMarkovProcess): boolean {
  const t = tf.tensor1d(Array.from({ length: p.T }, (_, i) => i + 1), 'int32');
  const y0 = tf.fill([p.T, 2], 0.5) as tf.Tensor2D;
  const yt = tf.fill([p.T, 2], -0.3) as tf.Tensor2D;
  const post = p.posterior(yt, y0, t);
  const eps = p.posteriorFromNoise(yt, y0, t);
  const ok = [post.mean, post.logVariance, eps.mean].every(allFinite) && tf.tidy(() => tf.min(post.variance).dataSync()[0]! >= 0);
  tf.dispose([t, y0, yt, post.mean, post.variance, post.logVariance, eps.mean, eps.variance, eps.logVariance]);
  return ok;
}

const beta = fc.double({ min: 1e-10, max: 0.999, noNaN: true }).filter((b) => b > 0 && b < 1);

describe('properties over random valid schedules (fast-check, seeded)', () => {
  it('betas: no NaN/Inf anywhere, posterior variance positive and below the forward variance', () => {
    fc.assert(
      fc.property(fc.array(beta, { minLength: 1, maxLength: 120 }), (betas) => {
        const p = new GaussianDiffusion(betaSchedule(betas));
        try {
          return tablesOk(p) && outputsOk(p);
        } finally {
          p.dispose();
        }
      }),
      { seed: 7, numRuns: 40 },
    );
  });

  it('cumulative alphas and VE sigmas (sorted random draws): the same properties', () => {
    const sortedDistinct = (lo: number, hi: number) =>
      fc.uniqueArray(fc.double({ min: lo, max: hi, noNaN: true }), { minLength: 1, maxLength: 60 }).map((a) => [...a].sort((x, y) => x - y));
    fc.assert(
      fc.property(sortedDistinct(1e-6, 1), (asc) => {
        const abar = [...asc].reverse();
        if (abar[0] === 1 && abar.length > 1) abar.shift();
        const p = new GaussianDiffusion(alphasCumprodSchedule(abar[0] === 1 ? [0.999] : abar));
        const ok = tablesOk(p);
        p.dispose();
        return ok;
      }),
      { seed: 8, numRuns: 40 },
    );
    fc.assert(
      fc.property(sortedDistinct(1e-4, 100), (sigmas) => {
        const p = new VarianceExploding(sigmas);
        try {
          return tablesOk(p) && outputsOk(p);
        } finally {
          p.dispose();
        }
      }),
      { seed: 9, numRuns: 30 },
    );
  });

  it('invalid betas (outside (0, 1) or not finite) always throw, naming the index', () => {
    const bad = fc.oneof(fc.double({ min: 1, max: 1e6 }), fc.double({ min: -1e6, max: 0 }), fc.constant(Number.NaN), fc.constant(Infinity));
    fc.assert(
      fc.property(fc.array(beta, { maxLength: 20 }), bad, fc.nat(), (good, b, k) => {
        const i = good.length === 0 ? 0 : k % (good.length + 1);
        const betas = [...good.slice(0, i), b, ...good.slice(i)];
        expect(() => betaSchedule(betas)).toThrow(`betas[${i}]`);
      }),
      { seed: 10, numRuns: 50 },
    );
  });
});
