/**
 * Swiss roll: sampler vs the reference recipe, the quadrature density against a float64 Simpson
 * rule 40x finer (values and z-gradients), normalization on a grid, a large-sample KDE against
 * the exact density of the KDE's expectation, the noise-0 case, options.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, ValidationError } from '@ddvi/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { KdePrior, SwissRoll } from '../src/priors';
import {
  expectNoLeak,
  expectSameMoments,
  expectScoreIsGradLogProb,
  fdGrad,
  gridPoints,
  LOG_2PI,
  logProbOnGrid,
  lse,
  refSwissRoll,
  Rng,
  rows2,
  expectLogDensitiesAgree,
  take,
  testSeed,
  tfGrad,
} from './priors_helpers';

beforeAll(async () => {
  await initBackend();
});

const B = 4.5 * Math.PI;

/** log p(z), float64: int 2 s N(z; 3 s (cos Bs, sin Bs), sigma^2 I) ds by composite Simpson (n intervals per class). */
function refLogProb(x: number, y: number, sigma: number, K = 10, cls?: number, n = 4000): number {
  const terms: number[] = [];
  const classes = cls === undefined ? Array.from({ length: K }, (_, i) => i) : [cls];
  const classW = cls === undefined ? 1 : K;
  for (const c of classes) {
    const s0 = Math.sqrt(c / K);
    const s1 = Math.sqrt((c + 1) / K);
    const h = (s1 - s0) / n;
    for (let i = 0; i <= n; i++) {
      const s = s0 + i * h;
      if (s === 0) continue;
      const w = ((i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2) * h) / 3;
      const mx = 3 * s * Math.cos(B * s);
      const my = 3 * s * Math.sin(B * s);
      terms.push(Math.log(w * 2 * s * classW) - ((x - mx) ** 2 + (y - my) ** 2) / (2 * sigma * sigma) - LOG_2PI - 2 * Math.log(sigma));
    }
  }
  return lse(terms);
}

describe('SwissRoll sampling', () => {
  it('matches the reference recipe (means, covariances; full and classes 0, 7) and E|z|^2 = 4.5 + 2 noise^2', () => {
    expectNoLeak(() => {
      const p = new SwissRoll();
      const z = p.sample(testSeed(), [40000]);
      const ours = rows2(z);
      expectSameMoments(ours, refSwissRoll(new Rng(testSeed()), 40000, 0.1));
      let r2 = 0;
      for (const r of ours) r2 += (r[0]! ** 2 + r[1]! ** 2) / ours.length;
      // |z|^2 = 9 u + noise terms, Var ~ 81/12 -> SE ~ 2.6 / sqrt(n)
      expect(Math.abs(r2 - (4.5 + 2 * 0.01))).toBeLessThan((5 * 2.7) / Math.sqrt(40000));
      const m = take(p.mean());
      const zm = take(tf.tidy(() => tf.mean(z, 0)));
      expect(Math.hypot(m[0]! - zm[0]!, m[1]! - zm[1]!)).toBeLessThan(0.03);
      z.dispose();
      for (const c of [0, 7]) {
        const zc = p.conditional(c).sample(testSeed() + c, [20000]);
        expectSameMoments(rows2(zc), refSwissRoll(new Rng(testSeed() + c), 20000, 0.1, 10, c));
        zc.dispose();
      }
    });
  });

  it('noise 0: samples lie on the curve at the parameter of their class; sample() equals sampleWithClass().z', () => {
    expectNoLeak(() => {
      const p = new SwissRoll({ noise: 0, classes: 7, scale: 0.3 });
      const { z, label } = p.sampleWithClass(testSeed(), 5000);
      const zs = z.dataSync();
      const ls = label.dataSync();
      for (let i = 0; i < 5000; i++) {
        const x = zs[2 * i]! / 0.3;
        const y = zs[2 * i + 1]! / 0.3;
        const s = Math.hypot(x, y) / 3;
        expect(Math.min(6, Math.floor(7 * s * s + 1e-6))).toBe(ls[i]);
        const d = Math.atan2(y, x) - B * s;
        expect(Math.abs(Math.sin(d / 2))).toBeLessThan(1e-4 / Math.max(s, 1e-3));
      }
      const again = p.sample(testSeed(), [5000]);
      expect(Array.from(again.dataSync())).toEqual(Array.from(zs));
      tf.dispose([z, label, again]);
    });
  });

  it('is deterministic under a seed; shapes', () => {
    expectNoLeak(() => {
      const p = new SwissRoll();
      const a = take(p.sample(9, [50]));
      expect(take(p.sample(9, [50]))).toEqual(a);
      expect(take(p.sample(10, [50]))).not.toEqual(a);
      const s = p.sample(1, [2, 3]);
      expect(s.shape).toEqual([2, 3, 2]);
      const lp = p.logProb(s);
      expect(lp.shape).toEqual([2, 3]);
      tf.dispose([s, lp]);
    });
  });
});

describe('SwissRoll density', () => {
  it('equals a 40x finer float64 Simpson rule (values and z-gradients) near and far from the curve', () => {
    const p = new SwissRoll();
    const rng = new Rng(2);
    const pts = rows2(p.sample(testSeed(), [10]));
    pts.push([0, 0], [0.02, -0.01], [3.05, 0.1], [2.6, 0.6], [-1.2, 0.35], [1.5, 1.5], [4, -4]);
    for (let i = 0; i < 6; i++) pts.push([6 * rng.uniform() - 3, 6 * rng.uniform() - 3]);
    expectNoLeak(() => {
      const lp = take(tf.tidy(() => p.logProb(tf.tensor2d(pts))));
      const g = tfGrad((z) => p.logProb(z), pts);
      pts.forEach(([x, y], i) => {
        const ref = refLogProb(x!, y!, 0.1);
        expect(Math.abs(lp[i]! - ref)).toBeLessThan(2e-4 + 2e-6 * Math.abs(ref));
        const fd = fdGrad((a, b) => refLogProb(a, b, 0.1), x!, y!, 1e-5);
        expect(Math.hypot(g[i]![0]! - fd[0], g[i]![1]! - fd[1])).toBeLessThan(2e-3 + 2e-4 * Math.hypot(fd[0], fd[1]));
      });
      // a class-conditional density too
      const c3 = p.conditional(3);
      const lc = take(tf.tidy(() => c3.logProb(tf.tensor2d(pts.slice(0, 8)))));
      pts.slice(0, 8).forEach(([x, y], i) => {
        const ref = refLogProb(x!, y!, 0.1, 10, 3);
        expect(Math.abs(lc[i]! - ref)).toBeLessThan(2e-4 + 2e-6 * Math.abs(ref));
      });
    });
  });

  it('integrates to 1: |sum p h^2 - 1| < 1e-4 on a grid of step noise/2 (full prior, classes 0 and 9)', () => {
    expectNoLeak(() => {
      const cases: [SwissRoll, number][] = [
        [new SwissRoll(), 0.05],
        [new SwissRoll({ noise: 0.1 }).conditional(0), 0.05],
        [new SwissRoll({ noise: 0.1 }).conditional(9), 0.05],
      ];
      for (const [p, h] of cases) {
        const xs = gridPoints(-3.6, 3.6, h); // the curve has radius <= 3; mass beyond 6 noise std < 1e-8
        const lp = logProbOnGrid((z) => p.logProb(z), xs, xs);
        let total = 0;
        for (const v of lp) total += Math.exp(v) * h * h;
        expect(Math.abs(total - 1)).toBeLessThan(1e-4);
      }
    });
  });

  it('a 20k-sample KDE (bandwidth 0.05) agrees with the exact density of its expectation, the roll with noise sqrt(0.1^2 + 0.05^2)', () => {
    expectNoLeak(() => {
      const p = new SwissRoll();
      const kde = new KdePrior(p, { samples: 20000, bandwidths: [0.05], seed: 3, clamp: null });
      const blurred = new SwissRoll({ noise: Math.hypot(0.1, 0.05) });
      const z = p.sample(testSeed() + 1, [300]);
      // KDE log error per point ~ 0.1 (MC): mean signed error ~ 0.006, mean |error| ~ 0.08
      expectLogDensitiesAgree(take(kde.logProb(z)), take(blurred.logProb(z)), { meanDiff: 0.03, meanAbs: 0.15 });
      z.dispose();
      kde.dispose();
    });
  });

  it('full density = mean of the class densities; scale is a change of variables', () => {
    expectNoLeak(() => {
      const p = new SwissRoll({ classes: 4, scale: 0.3, noise: 0.15 });
      const z = p.sample(1, [40]);
      const full = take(p.logProb(z));
      const parts = [0, 1, 2, 3].map((c) => take(p.conditional(c).logProb(z)));
      full.forEach((v, i) => expect(Math.abs(v - (lse(parts.map((q) => q[i]!)) - Math.log(4)))).toBeLessThan(1e-4));
      const unit = new SwissRoll({ classes: 4, noise: 0.15 });
      const base = take(tf.tidy(() => unit.logProb(tf.div(z, 0.3))));
      full.forEach((v, i) => expect(Math.abs(v - (base[i]! - 2 * Math.log(0.3)))).toBeLessThan(1e-4));
      z.dispose();
    });
  });

  it('score(z) is grad log p: float64 finite differences of the finer Simpson rule and autodiff of logProb, full, one class, scaled; [..., 2] shapes; NaN rows', () => {
    const rng = new Rng(5);
    const base = new SwissRoll();
    const pts = rows2(base.sample(testSeed(), [12]));
    pts.push([0, 0], [0.02, -0.01], [3.05, 0.1], [2.6, 0.6], [-1.2, 0.35], [1.5, 1.5], [4, -4], [9, 7]);
    // Just off the curve (0.1 to 3 noise std), where guidance reads the score and it is steep.
    for (let i = 0; i < 8; i++) pts.push(pts[i]!.map((v) => v + (0.01 + 0.1 * Math.abs(rng.normal())) * (i % 2 ? 1 : -1)));
    for (let i = 0; i < 6; i++) pts.push([6 * rng.uniform() - 3, 6 * rng.uniform() - 3]);
    expectNoLeak(() => {
      const others = [base.conditional(3), new SwissRoll({ scale: 1.7, noise: 0.2 })];
      expectScoreIsGradLogProb(base, others, pts, (a, b) => refLogProb(a, b, 0.1), { h: 1e-5, abs: 2e-3, rel: 2e-4, othersRel: 2e-4 });
      expect(() => tf.tidy(() => base.score(tf.zeros([3])))).toThrow(ValidationError);
      expect(() => tf.tidy(() => new SwissRoll({ noise: 0 }).score(tf.zeros([1, 2])))).toThrow('SwissRoll.score: the swiss roll with noise 0 is a curve and has no density');
    });
  });

  it('noise 0 samples but has no density: logProb throws a ValidationError that says so', () => {
    expectNoLeak(() => {
      const p = new SwissRoll({ noise: 0 });
      const z = p.sample(1, [4]);
      expect(() => p.logProb(z)).toThrow(ValidationError);
      expect(() => p.logProb(z)).toThrow('SwissRoll.logProb: the swiss roll with noise 0 is a curve and has no density');
      z.dispose();
    });
  });
});

describe('SwissRoll options', () => {
  it('validates options', () => {
    expect(() => new SwissRoll({ noise: -0.1 })).toThrow('SwissRoll: noise must be a finite number >= 0, got -0.1');
    expect(() => new SwissRoll({ classes: 0 })).toThrow('SwissRoll: classes must be an integer >= 1, got 0');
    expect(() => new SwissRoll({ scale: 0 })).toThrow('SwissRoll: scale must be a finite number > 0, got 0');
    expect(() => new SwissRoll({ noiseLevel: 3 } as never)).toThrow('SwissRoll: unknown option "noiseLevel"; known options: noise, classes, scale');
    expect(() => new SwissRoll().conditional(-1)).toThrow(ValidationError);
    expect(new SwissRoll().noise).toBe(0.1);
    expect(new SwissRoll().numClasses).toBe(10);
  });
});
