import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@ddvi/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ContinuousBernoulli } from '../src/index';
import { expectClose, expectNoLeak, logProbOf, take, testSeed } from './helpers';
import { cbLogC, cbLp, cbMean, cbVariance, sigmoid } from './reference';

beforeAll(async () => {
  await initBackend();
});

/** Simpson's rule on [0, 1] with n intervals, float64. */
function integrate(f: (x: number) => number, n = 4000): number {
  const h = 1 / n;
  let s = f(0) + f(1);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(i * h);
  return (s * h) / 3;
}

// Includes the Taylor region around 1/2 (0.5 +- 1e-4) and the near-degenerate ends.
const PROBS = [0.001, 0.2, 0.4999, 0.5, 0.5001, 0.7, 0.999];
const P32 = PROBS.map(Math.fround);

describe('ContinuousBernoulli', () => {
  it('normalizer, mean, variance and entropy match numeric integration of lambda^x (1 - lambda)^(1 - x)', () => {
    expectNoLeak(() => {
      const d = new ContinuousBernoulli({ probs: PROBS });
      const logC = take(d.logNormalizer());
      const mean = take(d.mean());
      const variance = take(d.variance());
      const perDim = new ContinuousBernoulli({ probs: PROBS.map((p) => [p]) }); // batch [7], event [1]
      const entropy = take(perDim.entropy());
      P32.forEach((p, i) => {
        const unnorm = (x: number) => p ** x * (1 - p) ** (1 - x);
        const z = integrate(unnorm);
        const m = integrate((x) => x * unnorm(x)) / z;
        const v = integrate((x) => (x - m) ** 2 * unnorm(x)) / z;
        const h = -integrate((x) => (unnorm(x) / z) * Math.log(unnorm(x) / z));
        expect(Number.isFinite(logC[i]!) && Number.isFinite(mean[i]!) && Number.isFinite(variance[i]!)).toBe(true);
        expectClose([logC[i]!], [-Math.log(z)], 2e-5);
        expectClose([mean[i]!], [m], 2e-5);
        expectClose([variance[i]!], [v], 2e-5);
        expectClose([entropy[i]!], [h], 2e-5);
      });
      d.dispose();
      perDim.dispose();
    });
  });

  it('the density integrates to 1 (Simpson over logProb on a grid)', () => {
    expectNoLeak(() => {
      const n = 2000;
      const d = new ContinuousBernoulli({ probs: PROBS.map((p) => [p]) });
      const grid = tf.tidy(() => tf.reshape(tf.tile(tf.reshape(tf.linspace(0, 1, n + 1), [n + 1, 1]), [1, PROBS.length]), [n + 1, PROBS.length, 1]));
      const lp = tf.tidy(() => tf.exp(d.logProb(grid)));
      const dens = lp.arraySync() as number[][];
      PROBS.forEach((_, i) => {
        const z = integrate((x) => dens[Math.round(x * n)]![i]!, n);
        expectClose([z], [1], 2e-4);
      });
      tf.dispose([grid, lp]);
      d.dispose();
    });
  });

  it('is smooth across the Taylor thresholds (float64 reference from logits)', () => {
    expectNoLeak(() => {
      const logits = [0, 1e-5, -1e-4, 2e-4, 0.2499, 0.2501, -0.25, 0.4999, 0.5001, 3, -12];
      const d = new ContinuousBernoulli({ logits: logits.map((l) => [l]) });
      const p = logits.map((l) => sigmoid(Math.fround(l)));
      expectClose(take(d.logNormalizer()), p.map(cbLogC), 2e-6, 1e-6);
      expectClose(take(d.mean()), p.map(cbMean), 2e-6, 1e-6);
      expectClose(take(d.variance()), p.map(cbVariance), 2e-6, 1e-5);
      d.dispose();
    });
  });

  it('d logProb(x) / d logits = x - mean, finite at logits = 0 and around 1/2', () => {
    const logits = tf.tensor1d([0, 1e-4, -1e-4, 0.25, -3, 8]);
    const x = tf.tensor1d([0.3, 0.9, 0, 1, 0.5, 0.2]);
    expectNoLeak(() => {
      const g = take(tf.grad((l: tf.Tensor) => tf.sum(new ContinuousBernoulli({ logits: l }, { validateArgs: false }).logProb(x)))(logits));
      expect(g.every(Number.isFinite)).toBe(true);
      const d = new ContinuousBernoulli({ logits });
      const expected = tf.tidy(() => tf.sub(x, d.mean()));
      expectClose(g, take(expected), 1e-5);
    });
    tf.dispose([logits, x]);
  });

  it('rsample stays in [0, 1] for extreme logits and its gradient matches finite differences', () => {
    expectNoLeak(() => {
      const extreme = new ContinuousBernoulli({ logits: [-80, -20, 0, 20, 80] });
      const s = take(extreme.sample(testSeed(), [200]));
      expect(s.every((v) => v >= 0 && v <= 1)).toBe(true);
      extreme.dispose();
    });
    const base = [-4, -0.5, 1e-5, 0.1, 2];
    const logits = tf.tensor1d(base);
    expectNoLeak(() => {
      const f = (l: tf.Tensor) => tf.sum(new ContinuousBernoulli({ logits: l }, { validateArgs: false }).rsample(testSeed(), [64]), 0);
      const g = take(tf.grad((l: tf.Tensor) => tf.sum(f(l)))(logits));
      expect(g.every((v) => Number.isFinite(v) && v > 0)).toBe(true); // x grows with the logit
      const h = 1e-2;
      // Same seed -> same uniforms: a central difference of the pathwise samples.
      const fd = tf.tidy(() => tf.div(tf.sub(f(tf.add(logits, h)), f(tf.sub(logits, h))), 2 * h));
      expectClose(g, take(fd), 5e-3, 2e-2);
    });
    logits.dispose();
  });

  it('the empirical CDF of samples matches F(x) = (lambda^x (1 - lambda)^(1 - x) + lambda - 1) / (2 lambda - 1)', () => {
    expectNoLeak(() => {
      const probs = [0.1, 0.5001, 0.85];
      const d = new ContinuousBernoulli({ probs });
      const n = 20000;
      const s = take(d.sample(testSeed(), [n]));
      for (const [i, p] of probs.map(Math.fround).entries()) {
        for (const x of [0.2, 0.5, 0.8]) {
          const cdf = (p ** x * (1 - p) ** (1 - x) + p - 1) / (2 * p - 1);
          let count = 0;
          for (let k = i; k < s.length; k += probs.length) if (s[k]! <= x) count++;
          const se = Math.sqrt((cdf * (1 - cdf)) / n);
          expect(Math.abs(count / n - cdf)).toBeLessThanOrEqual(4.5 * se);
        }
      }
      d.dispose();
    });
  });

  it('logProb has no NaN at probs = 0.5 +- 1e-4 and exactly 0.5, at x in {0, 1/2, 1}', () => {
    expectNoLeak(() => {
      const d = new ContinuousBernoulli({ probs: [[0.4999], [0.5], [0.5001]] });
      const lp = logProbOf(d, tf.tensor2d([[0], [0.5], [1]]));
      expect(lp.every(Number.isFinite)).toBe(true);
      const p = [0.4999, 0.5, 0.5001].map(Math.fround);
      expectClose(lp, [cbLp(0, p[0]!), cbLp(0.5, p[1]!), cbLp(1, p[2]!)], 1e-5);
      d.dispose();
    });
  });
});
