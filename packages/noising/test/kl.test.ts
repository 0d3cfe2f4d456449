import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { SeedStream, allFinite } from '@ddvi/core';
import { GaussianDiffusion, GaussianMarkovProcess, betaSchedule, cosineSchedule, diagGaussianKL, linearSchedule, stepKL } from '../src';
import { expectClose, expectNoLeak, take } from './helpers';

/** KL between diagonal Gaussians in float64, textbook form. */
function klHost(mA: number[], vA: number[], mB: number[], vB: number[]): number {
  return mA.reduce((s, _, k) => s + 0.5 * (Math.log(vB[k]! / vA[k]!) + (vA[k]! + (mA[k]! - mB[k]!) ** 2) / vB[k]! - 1), 0);
}

describe('diagGaussianKL', () => {
  const mA = [0.3, -1.2];
  const vA = [0.5, 2.0];
  const mB = [0, 0.4];
  const vB = [1.0, 0.7];
  const lv = (v: number[]) => tf.tensor2d([v.map(Math.log)]);

  it('matches the float64 closed form (rel 1e-5) and a Monte Carlo estimate (N = 200000, within 5 SE)', () => {
    const kl = take(diagGaussianKL(tf.tensor2d([mA]), lv(vA), tf.tensor2d([mB]), lv(vB)))[0]!;
    const exact = klHost(mA, vA, mB, vB);
    expectClose([kl], [exact], 1e-6, 1e-5);
    // MC: E_A[log A(x) - log B(x)]
    const N = 200000;
    const x = tf.add(tf.tensor1d(mA), tf.mul(tf.sqrt(tf.tensor1d(vA)), tf.randomNormal([N, 2], 0, 1, 'float32', 7)));
    const xs = x.dataSync();
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < N; i++) {
      let d = 0;
      for (let k = 0; k < 2; k++) {
        const v = xs[2 * i + k]!;
        d += -0.5 * (Math.log(vA[k]!) + (v - mA[k]!) ** 2 / vA[k]!) + 0.5 * (Math.log(vB[k]!) + (v - mB[k]!) ** 2 / vB[k]!);
      }
      s += d;
      s2 += d * d;
    }
    x.dispose();
    const mean = s / N;
    const se = Math.sqrt((s2 / N - mean * mean) / N);
    expect(Math.abs(mean - kl)).toBeLessThan(5 * se);
  });

  it('is 0 for equal Gaussians, finite and accurate for tiny variances (1e-12 .. 1e-6)', () => {
    expect(take(diagGaussianKL(tf.tensor2d([mA]), lv(vA), tf.tensor2d([mA]), lv(vA)))[0]).toBe(0);
    const vTiny = [1e-12, 1e-6];
    const vTiny2 = [1.3e-12, 0.9e-6];
    const kl = take(diagGaussianKL(tf.tensor2d([[1e-6, 0]]), lv(vTiny), tf.tensor2d([[0, 1e-3]]), lv(vTiny2)))[0]!;
    expectClose([kl], [klHost([1e-6, 0], vTiny, [0, 1e-3], vTiny2)], 1e-6, 1e-4);
  });
});

/** Every table of a process finite, posterior variance in (0, b_t] and (0, s2_{t-1}] for t >= 2. */
function checkTables(p: GaussianMarkovProcess): void {
  for (const [name, arr] of Object.entries(p.host)) {
    arr.forEach((v, i) => {
      if (!Number.isFinite(v)) throw new Error(`${p.name}: host.${name}[${i}] = ${v}`);
    });
  }
  for (let t = 2; t <= p.T; t++) {
    const pv = p.host.postVar[t]!;
    const prevVar = p.host.s[t - 1]! ** 2;
    // <= : once abar_{t-1} underflows against 1 in float64, betatilde_t rounds to exactly beta_t
    if (!(pv > 0 && pv <= p.host.b[t]! && pv <= prevVar)) throw new Error(`${p.name} t=${t}: posterior variance ${pv}`);
  }
}

/** All tensor outputs at every t finite, step KLs finite and >= 0. */
function checkTensors(p: GaussianMarkovProcess): void {
  const B = p.T;
  const t = tf.tensor1d(Array.from({ length: B }, (_, i) => i + 1), 'int32');
  const y0 = tf.randomNormal([B, 2], 0, 1, 'float32', 1) as tf.Tensor2D;
  const out = tf.tidy(() => {
    const { yt, noise } = p.marginalSample(y0, t, 2);
    const post = p.posterior(yt, y0, t);
    const pe = p.posteriorFromNoise(yt, noise, t);
    const q = { mean: tf.add(post.mean, 1e-3) as tf.Tensor2D, logVariance: tf.add(post.logVariance, 0.1) as tf.Tensor2D };
    const kl = stepKL(p, q, yt, y0, t);
    return [yt, post.mean, post.logVariance, pe.mean, kl, p.marginalLogProb(yt, y0, t), p.posteriorLogProb(q.mean, yt, y0, t), p.ddimStep(yt, noise, t), p.predictY0FromNoise(yt, noise, t), p.chainLogProb(p.sampleChain(y0, 3))];
  });
  out.forEach((x, i) => {
    if (!allFinite(x)) throw new Error(`${p.name}: output ${i} not finite`);
  });
  expect(Math.min(...take(out[4]!))).toBeGreaterThanOrEqual(0);
  tf.dispose([...out, t, y0]);
}

describe('numerical stability', () => {
  it('beta = 1e-6 (T = 2, 50) and T = 1000 (linear, cosine): no NaN/Inf in tables or outputs, 0 < betatilde < beta', () => {
    for (const make of [
      () => GaussianDiffusion.fromBetas([1e-6, 1e-6]),
      () => GaussianDiffusion.fromBetas(new Array(50).fill(1e-6)),
      () => new GaussianDiffusion(linearSchedule(1000)),
      () => new GaussianDiffusion(cosineSchedule(1000)),
    ]) {
      const p = make();
      checkTables(p);
      expectNoLeak(() => checkTensors(p));
      p.dispose();
    }
    // betatilde_2 for beta = 1e-6 is ~5e-7, accurate in float64 (no 1 - abar cancellation)
    const p = GaussianDiffusion.fromBetas([1e-6, 1e-6]);
    expectClose([p.host.postVar[2]!], [(1e-6 * 1e-6) / (1 - (1 - 1e-6) ** 2)], 0, 1e-9);
    p.dispose();
  });

  it('random valid schedules (60, seeded): tables finite, posterior variance positive and below the forward variance', () => {
    const rng = new SeedStream(2024);
    for (let i = 0; i < 60; i++) {
      const T = 1 + Math.floor(rng.uniform() * 300);
      const logLo = -14 + 10 * rng.uniform();
      const betas = Array.from({ length: T }, () => Math.exp(logLo + (Math.log(0.999) - logLo) * rng.uniform()));
      const p = new GaussianDiffusion(betaSchedule(betas));
      checkTables(p);
      if (i % 20 === 0) checkTensors(p);
      p.dispose();
    }
  });
});
