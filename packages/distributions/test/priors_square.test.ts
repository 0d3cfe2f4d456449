/**
 * Square: sampler vs the reference recipe, the exact piecewise density (values, -Infinity off the
 * slabs, z-gradients, normalization with the segment ends on cell edges), the smoothed variant
 * (alongStd > 0) and its normal-CDF math in both tails, and a KDE against the exact density of its
 * expectation.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, ValidationError } from '@ddvi/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { KdePrior, Square } from '../src/priors';
import { logDiffNormalCdf } from '../src/priors/tf_math';
import {
  expectNoLeak,
  expectSameMoments,
  fdGrad,
  gridPoints,
  logProbOnGrid,
  lse,
  normalLp,
  refSquare,
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

/** Perimeter position and perpendicular offset of z for edge e, from the reference's four formulas. */
function edgeCoords(x: number, y: number, e: number): { pos: number; perp: number } {
  if (e === 0) return { pos: (x + 1) / 8, perp: y - 1 }; // x = pos*8 - 1, y = 1 + nz
  if (e === 1) return { pos: 0.25 + (1 - y) / 8, perp: x - 1 }; // y = 2 - (pos - .25)*8 - 1
  if (e === 2) return { pos: 0.5 + (1 - x) / 8, perp: y + 1 }; // x = 2 - (pos - .5)*8 - 1
  return { pos: 0.75 + (y + 1) / 8, perp: x + 1 }; // y = (pos - .75)*8 - 1
}

/** log Phi(b) - Phi(a) (b > a) by Simpson in float64 (independent of the library's erfc fit). */
function logNormalMass(a: number, b: number): number {
  const n = 4000;
  const t0 = a > 0 ? a : b < 0 ? b : 0; // the point of [a, b] closest to 0: largest integrand
  const h = (b - a) / n;
  let s = 0;
  for (let i = 0; i <= n; i++) {
    const t = a + i * h;
    s += (i === 0 || i === n ? 1 : i % 2 ? 4 : 2) * Math.exp(-(t * t - t0 * t0) / 2);
  }
  return Math.log((s * h) / 3) - (t0 * t0) / 2 - 0.5 * Math.log(2 * Math.PI);
}

/** Float64 log-density; alongStd > 0 convolves the along-edge uniform with N(0, alongStd^2). */
function refLogProb(x: number, y: number, noiseLevel = 3, K = 10, cls?: number, alongStd = 0): number {
  const sd = noiseLevel / 50;
  const terms: number[] = [];
  const classes = cls === undefined ? Array.from({ length: K }, (_, i) => i) : [cls];
  const classW = cls === undefined ? 1 / K : 1;
  for (const c of classes) {
    for (let e = 0; e < 4; e++) {
      const lo = Math.max(c / K, e / 4);
      const hi = Math.min((c + 1) / K, (e + 1) / 4);
      if (hi <= lo) continue;
      const { pos, perp } = edgeCoords(x, y, e);
      // pos has density K on [lo, hi]; pos = e/4 + t/8 -> density K/8 per unit length along the edge
      let along: number;
      if (alongStd === 0) along = pos >= lo && pos <= hi ? Math.log(K / 8) : -Infinity;
      else along = Math.log(K / 8) + logNormalMass((8 * (pos - hi)) / alongStd, (8 * (pos - lo)) / alongStd);
      terms.push(Math.log(classW) + along + normalLp(perp, 0, sd));
    }
  }
  return lse(terms);
}

describe('Square sampling', () => {
  it('matches the reference recipe (means, covariances; full and classes 2, 5)', () => {
    expectNoLeak(() => {
      const p = new Square();
      const z = p.sample(testSeed(), [40000]);
      expectSameMoments(rows2(z), refSquare(new Rng(testSeed()), 40000, 3));
      z.dispose();
      for (const c of [2, 5]) {
        const zc = p.conditional(c).sample(testSeed() + c, [20000]);
        expectSameMoments(rows2(zc), refSquare(new Rng(testSeed() + c), 20000, 3, 10, c));
        const m = take(p.conditional(c).mean());
        const zm = take(tf.tidy(() => tf.mean(zc, 0)));
        expect(Math.hypot(m[0]! - zm[0]!, m[1]! - zm[1]!)).toBeLessThan(0.01);
        zc.dispose();
      }
    });
  });

  it('noise 0: each sample sits on the perimeter at a position of its class; sample() equals sampleWithClass().z', () => {
    expectNoLeak(() => {
      const p = new Square({ noiseLevel: 0, classes: 6, scale: 1.5 });
      const { z, label } = p.sampleWithClass(testSeed(), 4000);
      const zs = z.dataSync();
      const ls = label.dataSync();
      for (let i = 0; i < 4000; i++) {
        const x = zs[2 * i]! / 1.5;
        const y = zs[2 * i + 1]! / 1.5;
        const e = Math.abs(y - 1) < 1e-5 ? 0 : Math.abs(x - 1) < 1e-5 ? 1 : Math.abs(y + 1) < 1e-5 ? 2 : 3;
        const { pos, perp } = edgeCoords(x, y, e);
        expect(Math.abs(perp)).toBeLessThan(1e-5);
        const c = ls[i]!;
        expect(pos).toBeGreaterThanOrEqual(c / 6 - 1e-5);
        expect(pos).toBeLessThanOrEqual((c + 1) / 6 + 1e-5);
      }
      const again = p.sample(testSeed(), [4000]);
      expect(Array.from(again.dataSync())).toEqual(Array.from(zs));
      tf.dispose([z, label, again]);
    });
  });

  it('is deterministic under a seed', () => {
    expectNoLeak(() => {
      const p = new Square();
      const a = take(p.sample(4, [50]));
      expect(take(p.sample(4, [50]))).toEqual(a);
      expect(take(p.sample(5, [50]))).not.toEqual(a);
    });
  });
});

describe('Square density', () => {
  const rng = new Rng(8);
  const pts: number[][] = [
    [0.3, 1.02],
    [1.05, -0.4],
    [-0.99, 0.999],
    [0.98, 0.97],
    [0, 0],
    [-1.2, 0.5],
    [0.5, -0.7],
  ];
  for (let i = 0; i < 10; i++) pts.push([2.6 * rng.uniform() - 1.3, 2.6 * rng.uniform() - 1.3]);
  const outside: number[][] = [
    [1.3, 1.3],
    [-1.1, -1.2],
    [2, 1.5],
  ];

  it('exact: matches the float64 piecewise formula, -Infinity beyond the corners with a zero gradient there', () => {
    expectNoLeak(() => {
      const p = new Square();
      const all = [...pts, ...outside];
      const lp = take(tf.tidy(() => p.logProb(tf.tensor2d(all))));
      const g = tfGrad((z) => p.logProb(z), all);
      all.forEach(([x, y], i) => {
        const ref = refLogProb(x!, y!);
        if (ref === -Infinity) {
          expect(lp[i]).toBe(-Infinity);
          expect(g[i]).toEqual([0, 0]);
        } else {
          expect(Math.abs(lp[i]! - ref)).toBeLessThan(1e-4 + 2e-7 * Math.abs(ref));
          const fd = fdGrad((a, b) => refLogProb(a, b), x!, y!, 1e-6);
          expect(Math.hypot(g[i]![0]! - fd[0], g[i]![1]! - fd[1])).toBeLessThan(1e-3 + 1e-5 * Math.hypot(fd[0], fd[1]));
        }
      });
      for (const o of outside) expect(refLogProb(o[0]!, o[1]!)).toBe(-Infinity);
      // class 2 covers pos in [0.2, 0.3): the top edge's end and the right edge's start
      const c2 = p.conditional(2);
      const lc = take(tf.tidy(() => c2.logProb(tf.tensor2d(all))));
      all.forEach(([x, y], i) => {
        const ref = refLogProb(x!, y!, 3, 10, 2);
        if (ref === -Infinity) expect(lc[i]).toBe(-Infinity);
        else expect(Math.abs(lc[i]! - ref)).toBeLessThan(1e-4 + 2e-7 * Math.abs(ref));
      });
      expect(lc.some((v) => v === -Infinity) && lc.some(Number.isFinite)).toBe(true);
    });
  });

  it('smoothed (alongStd = perpendicular std): matches the float64 convolution, finite everywhere with finite gradients', () => {
    expectNoLeak(() => {
      const p = new Square().smoothed();
      expect(p.alongStd).toBeCloseTo(0.06, 12);
      const all = [...pts, ...outside, [5, -7]];
      const lp = take(tf.tidy(() => p.logProb(tf.tensor2d(all))));
      const g = tfGrad((z) => p.logProb(z), all);
      all.forEach(([x, y], i) => {
        const ref = refLogProb(x!, y!, 3, 10, undefined, 0.06);
        expect(Math.abs(lp[i]! - ref)).toBeLessThan(2e-4 + 2e-6 * Math.abs(ref));
        const fd = fdGrad((a, b) => refLogProb(a, b, 3, 10, undefined, 0.06), x!, y!, 1e-5);
        expect(Math.hypot(g[i]![0]! - fd[0], g[i]![1]! - fd[1])).toBeLessThan(2e-3 + 1e-4 * Math.hypot(fd[0], fd[1]));
      });
      // smoothedLogProb is the same thing; the conditional smoothed prior is finite off its segment too
      const sq = new Square();
      const a = take(tf.tidy(() => sq.smoothedLogProb(tf.tensor2d(all))));
      expect(a).toEqual(lp);
      const c = take(tf.tidy(() => sq.conditional(7).smoothed().logProb(tf.tensor2d(all))));
      c.forEach((v) => expect(Number.isFinite(v)).toBe(true));
    });
  });

  it('logDiffNormalCdf = log(Phi(x) - Phi(y)) to 2e-5 relative in both tails (float64 Simpson reference)', () => {
    expectNoLeak(() => {
      const cases = [
        [0.5, -0.5],
        [3, 2.9],
        [40, 39],
        [-39, -40],
        [9, -9],
        [0.01, -30],
        [30, 0.02],
        [-5, -5.001],
        [7, 2],
      ];
      const v = take(tf.tidy(() => logDiffNormalCdf(tf.tensor1d(cases.map((c) => c[0]!)), tf.tensor1d(cases.map((c) => c[1]!)))));
      cases.forEach(([x, y], i) => {
        const ref = logNormalMass(y!, x!);
        expect(Math.abs(v[i]! - ref)).toBeLessThan(2e-5 * (1 + Math.abs(ref)));
      });
    });
  });

  it('integrates to 1 (|error| < 1e-4) on a 0.02 grid whose cell edges contain every segment end: exact and smoothed, full and class 2', () => {
    expectNoLeak(() => {
      const xs = gridPoints(-1.6, 1.6, 0.02);
      const sq = new Square();
      for (const p of [sq, sq.conditional(2), sq.smoothed(), sq.conditional(2).smoothed()]) {
        const lp = logProbOnGrid((z) => p.logProb(z), xs, xs);
        let total = 0;
        for (const v of lp) total += Math.exp(v) * 0.02 * 0.02;
        expect(Math.abs(total - 1)).toBeLessThan(1e-4);
      }
    });
  });

  it('a 20k-sample KDE (bandwidth 0.03) agrees with its expectation in closed form: perpendicular std sqrt(0.06^2 + 0.03^2), alongStd 0.03', () => {
    expectNoLeak(() => {
      const p = new Square();
      const kde = new KdePrior(p, { samples: 20000, bandwidths: [0.03], seed: 4, clamp: null });
      const expected = new Square({ noiseLevel: 50 * Math.hypot(0.06, 0.03), alongStd: 0.03 });
      const z = p.sample(testSeed() + 2, [300]);
      expectLogDensitiesAgree(take(kde.logProb(z)), take(expected.logProb(z)), { meanDiff: 0.03, meanAbs: 0.15 });
      z.dispose();
      kde.dispose();
    });
  });

  it('alongStd > 0 samples spread along the edges as its density says (variance of the along offset)', () => {
    expectNoLeak(() => {
      // class 1 (pos 0.1-0.2) lies inside the top edge: x = 8 pos - 1 + along noise, uniform on [-0.2, 0.6]
      const p = new Square({ alongStd: 0.1 }).conditional(1);
      const x = take(tf.tidy(() => tf.slice(p.sample(3, [40000]), [0, 0], [40000, 1])));
      const m = x.reduce((s, v) => s + v, 0) / x.length;
      const v = x.reduce((s, u) => s + (u - m) ** 2, 0) / (x.length - 1);
      expect(Math.abs(m - 0.2)).toBeLessThan(0.005);
      expect(Math.abs(v - (0.8 ** 2 / 12 + 0.01))).toBeLessThan(0.003);
    });
  });

  it('full density = mean of the class densities; scale is a change of variables', () => {
    expectNoLeak(() => {
      const p = new Square({ classes: 3, scale: 1.5, noiseLevel: 5 });
      const z = p.sample(1, [40]);
      const full = take(p.logProb(z));
      const parts = [0, 1, 2].map((c) => take(p.conditional(c).logProb(z)));
      full.forEach((v, i) => expect(Math.abs(v - (lse(parts.map((q) => q[i]!)) - Math.log(3)))).toBeLessThan(1e-4));
      const unit = new Square({ classes: 3, noiseLevel: 5 });
      const base = take(tf.tidy(() => unit.logProb(tf.div(z, 1.5))));
      full.forEach((v, i) => expect(Math.abs(v - (base[i]! - 2 * Math.log(1.5)))).toBeLessThan(1e-4));
      z.dispose();
    });
  });
});

describe('Square options', () => {
  it('validates options; noise level 0 has no density', () => {
    expect(() => new Square({ noiseLevel: -1 })).toThrow('Square: noiseLevel must be a finite number >= 0, got -1');
    expect(() => new Square({ classes: 1.5 })).toThrow('Square: classes must be an integer >= 1, got 1.5');
    expect(() => new Square({ alongStd: -0.1 })).toThrow('Square: alongStd must be a finite number >= 0, got -0.1');
    expect(() => new Square({ scale: -2 })).toThrow('Square: scale must be a finite number > 0, got -2');
    expect(() => new Square({ mult: 1 } as never)).toThrow('Square: unknown option "mult"; known options: noiseLevel, classes, scale, alongStd');
    expectNoLeak(() => {
      const z = tf.zeros([2, 2]);
      expect(() => new Square({ noiseLevel: 0 }).logProb(z)).toThrow(ValidationError);
      z.dispose();
    });
    expect(new Square().perpStd).toBeCloseTo(0.06, 12);
  });
});
