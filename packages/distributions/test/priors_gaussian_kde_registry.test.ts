/**
 * Isotropic Gaussian and Gaussian mixture (closed forms vs float64 formulas, normalization,
 * moments vs the reference recipe), the reference KDE (formula, clamp, sampling, ownership), and
 * the name registry.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, ValidationError } from '@ddvi/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPrior, GaussianMixture, IsotropicGaussian, KdePrior, kdeLogProb, listPriors, Pinwheel, REFERENCE_KDE_BANDWIDTHS, Square, SwissRoll } from '../src/priors';
import { expectNoLeak, expectSameMoments, fdGrad, gridPoints, LOG_2PI, logProbOnGrid, lse, refGaussMix, Rng, rows2, take, testSeed, tfGrad } from './priors_helpers';

beforeAll(async () => {
  await initBackend();
});

/** log N(z; mu, R(r) diag(a^2, b^2) R(r)^T) by explicit 2x2 inverse and determinant. */
function rotatedGaussianLp(x: number, y: number, r: number, radius = 1.4, a = 0.5, b = 0.1): number {
  const c = Math.cos(r);
  const s = Math.sin(r);
  const sxx = c * c * a * a + s * s * b * b;
  const syy = s * s * a * a + c * c * b * b;
  const sxy = c * s * (a * a - b * b);
  const det = sxx * syy - sxy * sxy;
  const dx = x - radius * c;
  const dy = y - radius * s;
  const quad = (syy * dx * dx - 2 * sxy * dx * dy + sxx * dy * dy) / det;
  return -0.5 * quad - 0.5 * Math.log(det) - LOG_2PI;
}

function refMixLp(x: number, y: number, K = 10): number {
  return lse(Array.from({ length: K }, (_, i) => rotatedGaussianLp(x, y, (2 * Math.PI * i) / K))) - Math.log(K);
}

describe('IsotropicGaussian', () => {
  it('closed-form density, one class, moments, presets', () => {
    expectNoLeak(() => {
      const p = new IsotropicGaussian({ std: 0.125 });
      const pts = [
        [0, 0],
        [0.1, -0.3],
        [1, 1],
      ];
      const lp = take(tf.tidy(() => p.logProb(tf.tensor2d(pts))));
      pts.forEach(([x, y], i) => expect(Math.abs(lp[i]! - (-(x! ** 2 + y! ** 2) / (2 * 0.125 ** 2) - LOG_2PI - 2 * Math.log(0.125)))).toBeLessThan(1e-4));
      const { z, label } = p.sampleWithClass(testSeed(), 20000);
      expect(Array.from(new Set(label.dataSync()))).toEqual([0]);
      const m = rows2(z);
      const s2 = m.reduce((s, r) => s + r[0]! ** 2 + r[1]! ** 2, 0) / (2 * m.length);
      expect(Math.abs(Math.sqrt(s2) - 0.125)).toBeLessThan(0.003);
      tf.dispose([z, label]);
      expect(p.numClasses).toBe(1);
      expect(p.conditional(0).std).toBe(0.125);
      expect(() => p.conditional(1)).toThrow(ValidationError);
      expect(() => new IsotropicGaussian({ std: 0 })).toThrow('IsotropicGaussian: std must be a finite number > 0, got 0');
    });
  });

  it('score(z) is grad log p: autodiff of logProb, on [n, 2] and [..., 2] shapes', () => {
    expectNoLeak(() => {
      const p = new IsotropicGaussian({ std: 0.3 });
      const pts = [[0, 0], [0.1, -0.3], [1.5, 2], [-4, 0.02]];
      const at = tf.tidy(() => p.score(tf.tensor2d(pts)));
      const score = rows2(at);
      at.dispose();
      const auto = tfGrad((z) => p.logProb(z), pts);
      pts.forEach((_, i) => {
        expect(Math.abs(score[i]![0]! - auto[i]![0]!)).toBeLessThan(1e-4 * (1 + Math.abs(auto[i]![0]!)));
        expect(Math.abs(score[i]![1]! - auto[i]![1]!)).toBeLessThan(1e-4 * (1 + Math.abs(auto[i]![1]!)));
      });
      const shaped = tf.tidy(() => p.score(tf.tensor3d([[[0.3, -0.6]], [[0, 1]]])));
      expect(shaped.shape).toEqual([2, 1, 2]);
      Array.from(shaped.dataSync()).forEach((v, i) => expect(v).toBeCloseTo([-0.3 / 0.09, 0.6 / 0.09, 0, -1 / 0.09][i]!, 4));
      shaped.dispose();
      expect(() => tf.tidy(() => p.score(tf.zeros([3])))).toThrow(ValidationError);
    });
  });
});

describe('GaussianMixture', () => {
  it('matches the explicit rotated-covariance formula (values, gradients), full and per component', () => {
    expectNoLeak(() => {
      const p = new GaussianMixture();
      const rng = new Rng(4);
      const pts = Array.from({ length: 20 }, () => [4 * rng.uniform() - 2, 4 * rng.uniform() - 2]);
      const lp = take(tf.tidy(() => p.logProb(tf.tensor2d(pts))));
      const g = tfGrad((z) => p.logProb(z), pts);
      pts.forEach(([x, y], i) => {
        const ref = refMixLp(x!, y!);
        expect(Math.abs(lp[i]! - ref)).toBeLessThan(1e-4 + 1e-6 * Math.abs(ref));
        const fd = fdGrad(refMixLp, x!, y!);
        expect(Math.hypot(g[i]![0]! - fd[0], g[i]![1]! - fd[1])).toBeLessThan(1e-3 + 1e-5 * Math.hypot(fd[0], fd[1]));
      });
      const c4 = take(tf.tidy(() => p.conditional(4).logProb(tf.tensor2d(pts))));
      pts.forEach(([x, y], i) => expect(Math.abs(c4[i]! - rotatedGaussianLp(x!, y!, (2 * Math.PI * 4) / 10))).toBeLessThan(1e-3));
    });
  });

  it('integrates to 1 (|error| < 1e-5, grid step 0.02) and matches the reference recipe moments, per component too', () => {
    expectNoLeak(() => {
      const p = new GaussianMixture();
      const xs = gridPoints(-3.6, 3.6, 0.02);
      let total = 0;
      for (const v of logProbOnGrid((z) => p.logProb(z), xs, xs)) total += Math.exp(v) * 0.0004;
      expect(Math.abs(total - 1)).toBeLessThan(1e-5);
      const z = p.sample(testSeed(), [40000]);
      expectSameMoments(rows2(z), refGaussMix(new Rng(testSeed()), 40000));
      z.dispose();
      const c = p.conditional(3);
      const zc = c.sample(testSeed(), [20000]);
      expectSameMoments(rows2(zc), refGaussMix(new Rng(1), 20000, 10, 3));
      const m = take(c.mean());
      expect(m[0]).toBeCloseTo(1.4 * Math.cos((2 * Math.PI * 3) / 10), 6);
      zc.dispose();
    });
  });

  it('validates options', () => {
    expect(() => new GaussianMixture({ components: 0 })).toThrow('GaussianMixture: components must be an integer >= 1, got 0');
    expect(() => new GaussianMixture({ radialStd: -1 })).toThrow(ValidationError);
    expect(() => new GaussianMixture({ std: 1 } as never)).toThrow('GaussianMixture: unknown option "std"');
  });
});

describe('KdePrior (the reference KDE, not the prior density)', () => {
  it('evaluates in row chunks whose intermediates are freed as it goes (peak memory does not grow with the batch)', async () => {
    const kde = new KdePrior(new Pinwheel(), { samples: 2000, seed: 3 });
    // 2000 cached points give chunks of 1000 rows: one chunk against five.
    const peak = async (rows: number) => {
      const z = tf.randomNormal([rows, 2], 0, 1, 'float32', 5);
      const info = await tf.profile(() => kde.logProb(z));
      z.dispose();
      info.result instanceof tf.Tensor ? info.result.dispose() : undefined;
      return info.peakBytes;
    };
    const one = await peak(1000);
    const five = await peak(5000);
    expect(five).toBeLessThan(1.5 * one);
    kde.dispose();
  });

  function refKde(x: number, y: number, pts: number[][], hs: readonly number[], clamp: [number, number] | null): number {
    const per = hs.map((h) => {
      const l = lse(pts.map(([a, b]) => -((x - a!) ** 2 + (y - b!) ** 2) / (2 * h * h))) - LOG_2PI - 2 * Math.log(h) - Math.log(pts.length);
      return clamp ? Math.min(clamp[1], Math.max(clamp[0], l)) : l;
    });
    return lse(per) - Math.log(hs.length);
  }

  it('defaults: 10,000 cached samples, bandwidths {0.005, 0.008, 0.01, 0.03, 0.05}, clamp [-1000, 1000]; dispose frees them', () => {
    expectNoLeak(() => {
      const kde = new KdePrior(new Pinwheel());
      expect(kde.points.shape).toEqual([10000, 2]);
      expect(kde.bandwidths).toEqual([0.005, 0.008, 0.01, 0.03, 0.05]);
      expect(REFERENCE_KDE_BANDWIDTHS).toEqual([0.005, 0.008, 0.01, 0.03, 0.05]);
      expect(kde.clamp).toEqual([-1000, 1000]);
      kde.dispose();
    });
  });

  it('equals the float64 formula with and without the clamp; gradient vs finite differences; one-shot kdeLogProb', () => {
    expectNoLeak(() => {
      const prior = new SwissRoll();
      const kde = new KdePrior(prior, { samples: 200, seed: 7 });
      const pts = rows2(kde.points);
      const q = [
        [0.1, 0.2],
        [pts[3]![0]! + 0.004, pts[3]![1]!],
        [5, 5],
        [-1, 0.3],
      ];
      const lp = take(tf.tidy(() => kde.logProb(tf.tensor2d(q))));
      q.forEach(([x, y], i) => expect(Math.abs(lp[i]! - refKde(x!, y!, pts, REFERENCE_KDE_BANDWIDTHS, [-1000, 1000]))).toBeLessThan(1e-3));
      expect(lp[2]).toBeCloseTo(-1000, 3); // every bandwidth clamped
      const g = tfGrad((z) => kde.logProb(z), [q[1]!, q[3]!]);
      [q[1]!, q[3]!].forEach(([x, y], i) => {
        const fd = fdGrad((a, b) => refKde(a, b, pts, REFERENCE_KDE_BANDWIDTHS, [-1000, 1000]), x!, y!, 1e-7);
        expect(Math.hypot(g[i]![0]! - fd[0], g[i]![1]! - fd[1])).toBeLessThan(1e-2 + 1e-3 * Math.hypot(fd[0], fd[1]));
      });
      const raw = new KdePrior(kde.points, { bandwidths: [0.05], clamp: null });
      const r = take(tf.tidy(() => raw.logProb(tf.tensor2d(q))));
      q.forEach(([x, y], i) => expect(Math.abs(r[i]! - refKde(x!, y!, pts, [0.05], null))).toBeLessThan(1e-3 + 1e-6 * Math.abs(r[i]!)));
      const once = take(tf.tidy(() => kdeLogProb(prior, tf.tensor2d(q), { samples: 200, seed: 7 })));
      expect(once).toEqual(lp);
      raw.dispose();
      kde.dispose();
    });
  });

  it('samples from its own mixture: mean of the points, covariance of the points + mean h^2', () => {
    expectNoLeak(() => {
      const kde = new KdePrior(new GaussianMixture(), { samples: 500, bandwidths: [0.1, 0.3], seed: 1 });
      const z = kde.sample(testSeed(), [40000]);
      const pts = rows2(kde.points);
      const s = rows2(z);
      const mean = (rs: number[][], j: number) => rs.reduce((a, r) => a + r[j]!, 0) / rs.length;
      const v = (rs: number[][], j: number) => {
        const m = mean(rs, j);
        return rs.reduce((a, r) => a + (r[j]! - m) ** 2, 0) / rs.length;
      };
      for (const j of [0, 1]) {
        expect(Math.abs(mean(s, j) - mean(pts, j))).toBeLessThan(0.02);
        expect(Math.abs(v(s, j) - (v(pts, j) + (0.01 + 0.09) / 2))).toBeLessThan(0.03);
      }
      z.dispose();
      kde.dispose();
    });
  });

  it('validates options', () => {
    expectNoLeak(() => {
      expect(() => new KdePrior(new Pinwheel(), { bandwidths: [] })).toThrow('KdePrior: bandwidths must be a non-empty list of finite numbers > 0, got []');
      expect(() => new KdePrior(new Pinwheel(), { bandwidths: [0.1, -1] })).toThrow(ValidationError);
      expect(() => new KdePrior(new Pinwheel(), { samples: 0 })).toThrow('KdePrior: samples must be an integer >= 1, got 0');
      expect(() => new KdePrior(new Pinwheel(), { clamp: [1, 0] })).toThrow(ValidationError);
      expect(() => new KdePrior(new Pinwheel(), { bandwidth: 1 } as never)).toThrow('KdePrior: unknown option "bandwidth"');
      const bad = tf.zeros([4, 3]) as tf.Tensor2D;
      expect(() => new KdePrior(bad)).toThrow(ValidationError);
      bad.dispose();
    });
  });
});

describe('createPrior / listPriors', () => {
  it('knows the required names and the reference aliases; every prior samples and (noise permitting) evaluates', () => {
    const names = listPriors().map((e) => e.name);
    for (const n of ['pinwheel', 'pin_wheel', 'swiss_roll', 'less_noisy_swiss_roll', 'square', 'less_noisy_square', 'gaussian', 'gaussian_mixture', 'gauss_mix', 'tiny_gauss']) {
      expect(names).toContain(n);
    }
    expectNoLeak(() => {
      for (const n of names) {
        const p = createPrior(n);
        const z = p.sample(1, [5]);
        expect(z.shape).toEqual([5, 2]);
        if (n === 'small_swiss_roll') expect(() => p.logProb(z)).toThrow(ValidationError);
        else take(p.logProb(z)).forEach((v) => expect(Number.isFinite(v)).toBe(true));
        z.dispose();
        p.dispose(); // learned_mixture owns a variable
      }
    });
  });

  it('presets carry the reference configurations; options override them', () => {
    expect((createPrior('pin_wheel') as Pinwheel).options).toEqual(new Pinwheel().options);
    expect((createPrior('four_pin_wheel') as Pinwheel).arms).toBe(4);
    expect((createPrior('small_pin_wheel') as Pinwheel).scale).toBe(0.3);
    expect((createPrior('swiss_roll') as SwissRoll).noise).toBe(0.1);
    expect((createPrior('noisy_swiss_roll') as SwissRoll).noise).toBe(0.2);
    expect((createPrior('small_noisy_swiss_roll') as SwissRoll).options).toEqual({ noise: 0.2, classes: 10, scale: 0.3 });
    expect((createPrior('less_noisy_square') as Square).options).toEqual({ noiseLevel: 3, classes: 10, scale: 1, alongStd: 0 });
    expect((createPrior('noisy_square') as Square).options).toEqual({ noiseLevel: 5, classes: 10, scale: 1.5, alongStd: 0 });
    expect((createPrior('small_square') as Square).options).toEqual({ noiseLevel: 1, classes: 10, scale: 0.3, alongStd: 0 });
    expect((createPrior('mid_gauss') as IsotropicGaussian).std).toBe(0.5);
    expect((createPrior('super_tiny_gauss') as IsotropicGaussian).std).toBe(0.0625);
    expect(createPrior('gauss_mix')).toBeInstanceOf(GaussianMixture);
    expect((createPrior('swiss_roll', { noise: 0.3, classes: 4 }) as SwissRoll).options).toEqual({ noise: 0.3, classes: 4, scale: 1 });
    expect((createPrior('square', { noiseLevel: 1 }) as Square).noiseLevel).toBe(1);
  });

  it('rejects unknown names (listing the known ones) and unknown options', () => {
    expect(() => createPrior('pinweel')).toThrow(ValidationError);
    expect(() => createPrior('pinweel')).toThrow(/createPrior: unknown prior "pinweel"; known priors: pinwheel, pin_wheel, .*gaussian_mixture/);
    expect(() => createPrior('toString')).toThrow(ValidationError);
    expect(() => createPrior('pinwheel', { noise: 1 } as never)).toThrow('Pinwheel: unknown option "noise"');
  });
});
