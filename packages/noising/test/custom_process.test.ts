/**
 * The worked example of docs/noising.md: a process the library does not ship (Ornstein-Uhlenbeck
 * with per-coordinate rates), written by a user, consumed by generic code written only against
 * the NoisingProcess interface, which runs unchanged on GaussianDiffusion and VarianceExploding.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  GaussianDiffusion,
  GaussianMarkovProcess,
  VarianceExploding,
  denoisingLoss,
  linearSchedule,
  reverseSample,
} from '../src';
import type { NoisePredictor, NoisingProcess } from '../src';
import { expectClose, expectGaussianStats, expectNoLeak, take } from './helpers';

// ---------------------------------------------------------------- the user's process (as in the docs)

/**
 * dy = -theta_k y ds + sqrt(2 theta_k) dW on s in [0, horizon], discretized exactly on T equal
 * steps: r(y_t | y_{t-1}) = N(exp(-theta_k h) y_{t-1}, 1 - exp(-2 theta_k h)), h = horizon / T,
 * one rate theta_k per coordinate. Stationary law N(0, I).
 */
class OrnsteinUhlenbeck extends GaussianMarkovProcess {
  constructor(
    T: number,
    readonly rates: number[],
    horizon = 1,
  ) {
    const d = rates.length;
    const h = horizon / T;
    const at = (f: (theta: number, t: number) => number) =>
      Float64Array.from({ length: T * d }, (_, i) => f(rates[i % d]!, Math.floor(i / d) + 1));
    super('ornstein-uhlenbeck', {
      T,
      dim: d,
      a: at((th) => Math.exp(-th * h)),
      b: at((th) => -Math.expm1(-2 * th * h)),
      m: at((th, t) => Math.exp(-th * t * h)), // exact marginals (optional: else composed)
      s2: at((th, t) => -Math.expm1(-2 * th * t * h)),
    });
  }
}

// ---------------------------------------------------------------- generic consumer checks

const mu0 = [1, -0.5, 2];

/** The exact noise predictor when the data is the point mass y_0 = mu0. */
function oracle(p: NoisingProcess): NoisePredictor {
  return (yt, t) => tf.tidy(() => p.predictNoiseFromY0(yt, tf.broadcastTo(tf.tensor2d([mu0]), yt.shape) as tf.Tensor2D, t));
}

/** Mean and std of r(y_t | y_0 = mu0) through the interface, as host arrays. */
function closedForm(p: NoisingProcess, t: number): [number[], number[]] {
  const y0 = tf.tensor2d([mu0]);
  const mg = p.marginal(y0, t);
  y0.dispose();
  return [take(mg.mean), take(mg.std)];
}

const T = 20;
const cases: Array<[string, () => NoisingProcess]> = [
  ['GaussianDiffusion(linear)', () => new GaussianDiffusion(linearSchedule(T))],
  ['VarianceExploding', () => VarianceExploding.geometric(T, 0.01, 3)],
  ['OrnsteinUhlenbeck (custom, per-coordinate rates)', () => new OrnsteinUhlenbeck(T, [0.5, 1, 4])],
];
const made: NoisingProcess[] = [];
afterAll(() => made.forEach((p) => p.dispose()));

describe('the custom OU process', () => {
  it('composed transitions equal its closed-form marginals in float64 (rel 1e-12)', () => {
    const exact = new OrnsteinUhlenbeck(T, [0.5, 1, 4]);
    const composed = new GaussianMarkovProcess('ou-composed', {
      T,
      dim: 3,
      a: exact.host.a.slice(3),
      b: exact.host.b.slice(3),
    });
    expectClose(composed.host.m, exact.host.m, 0, 1e-12);
    expectClose(composed.host.s, exact.host.s, 0, 1e-12);
    expectClose(composed.host.postVar, exact.host.postVar, 1e-15, 1e-10);
    expect(() => exact.marginal(tf.zeros([2, 2]) as tf.Tensor2D, 1)).toThrow(/shape\[1\] must be 3/);
    exact.dispose();
    composed.dispose();
  });
});

describe.each(cases)('generic consumers on %s', (_label, make) => {
  const p = make();
  made.push(p);
  const N = 8000;

  it('denoisingLoss: ~0 with the exact predictor (< 1e-6), ~1 with a zero predictor (5 SE), gradients flow and are finite', () => {
    const y0 = tf.tidy(() => tf.tile(tf.tensor2d([mu0]), [N, 1])) as tf.Tensor2D;
    expectNoLeak(() => {
      expect(take(denoisingLoss(p, oracle(p), y0, 1))[0]).toBeLessThan(1e-6);
      const zero = take(denoisingLoss(p, (yt) => tf.zerosLike(yt), y0, 2))[0]!;
      expect(Math.abs(zero - 1)).toBeLessThan(5 * Math.sqrt(2 / (N * 3)));
    });
    // a trainable linear predictor: gradients through per-example steps (gather of constant tables)
    const w = tf.variable(tf.zeros([3, 3]));
    const { value, grads } = tf.variableGrads(() => denoisingLoss(p, (yt) => tf.matMul(yt, w) as tf.Tensor2D, y0, 3), [w]);
    expect(Number.isFinite(take(value)[0])).toBe(true);
    expect(take(grads[w.name]!).every((g) => Number.isFinite(g) && g !== 0)).toBe(true);
    tf.dispose([w, y0]);
  });

  it('reverseSample (ancestral, exact predictor) reproduces the forward marginals r(y_t|y_0) at t = T/2 and 1 (5 SE) and ends at y_0', () => {
    const y0 = tf.tidy(() => tf.tile(tf.tensor2d([mu0]), [N, 1])) as tf.Tensor2D;
    const { yt: yT, noise } = p.marginalSample(y0, p.T, 4);
    const states = reverseSample(p, oracle(p), yT, 5);
    expect(states.shape).toEqual([p.T + 1, N, 3]);
    const data = states.dataSync();
    for (const t of [p.T / 2, 1]) {
      const [m, s] = closedForm(p, t);
      expectGaussianStats(data.subarray(t * N * 3, (t + 1) * N * 3), N, m, s.map((v) => v * v), 5, `t=${t}`);
    }
    expectClose(data.subarray(0, 30), Array.from({ length: 30 }, (_, i) => mu0[i % 3]!), 2e-3, 1e-3, 'y_0');
    // deterministic DDIM with the exact predictor: y_t = m_t mu0 + s_t eps_T on every step
    const ddim = reverseSample(p, oracle(p), yT, 6, { mode: 'ddim' });
    const dd = ddim.dataSync();
    const nv = noise.dataSync();
    for (const t of [p.T - 1, p.T / 2, 0]) {
      const [m, s] = closedForm(p, t);
      const expected = Array.from({ length: 30 }, (_, i) => m[i % 3]! + s[i % 3]! * nv[i]!);
      expectClose(dd.subarray(t * N * 3, t * N * 3 + 30), expected, 2e-3, 1e-3, `ddim t=${t}`);
    }
    tf.dispose([y0, yT, noise, states, ddim]);
  });
});
