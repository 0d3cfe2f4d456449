import * as tf from '@tensorflow/tfjs-core';
import { SeedStream } from '@ddvi/core';
import type { Distribution } from '@ddvi/core';
import { createNoisingProcess } from '@ddvi/noising';
import { IsotropicGaussian, Pinwheel } from '@ddvi/distributions';
import { describe, expect, it } from 'vitest';
import { DdviPosterior, resolveConfig } from '../src';
import { PriorGuidance } from '../src/prior_guidance';
import { SMALL, gaussianPrior } from './helpers';

const T = 5;
const build = (config: Record<string, unknown>, prior?: Pinwheel | IsotropicGaussian, seed = 3) =>
  new DdviPosterior(2, 6, seed, { ...SMALL, noising: { kind: 'linear', T }, ...config }, prior);

/** Mean log p(z) of n draws of an untrained posterior for one random x. */
function meanLogPrior(q: DdviPosterior, prior: Pinwheel, n = 256): number {
  return tf.tidy(() => {
    const x = tf.tile(tf.randomNormal([1, 6], 0, 1, 'float32', 11), [n, 1]) as tf.Tensor2D;
    const { z } = q.sample(x, { seed: new SeedStream(5), training: false });
    return tf.mean(prior.logProb(z)).dataSync()[0]!;
  });
}

describe('prior guidance (config priorGuidance)', () => {
  it('is on by default when the posterior has the prior, off without one, and checked when asked for', () => {
    const prior = new Pinwheel();
    const withPrior = build({}, prior);
    const without = build({});
    expect(withPrior.config.priorGuidance).toBe(resolveConfig({}).priorGuidance);
    expect(withPrior.config.priorGuidance).toBeGreaterThan(0);
    expect(Object.keys(withPrior.namedVariables())).toContain('guidance.logScale');
    expect(without.config.priorGuidance).toBe(0);
    expect(Object.keys(without.namedVariables())).not.toContain('guidance.logScale');
    withPrior.dispose();
    without.dispose();
    expect(() => build({ priorGuidance: 2 })).toThrow("ddvi posterior: priorGuidance > 0 needs the model's prior (PosteriorInit.prior)");
    expect(() => build({ priorGuidance: T + 1 }, prior)).toThrow(`ddvi posterior: priorGuidance must be at most T = ${T} (reverse steps), got ${T + 1}`);
    expect(() => resolveConfig({ priorGuidance: -1 })).toThrow(/priorGuidance must be an integer >= 0 \(reverse steps with prior guidance; 0: off\), got -1/);
  });

  it('puts an untrained chain\'s draws on the pinwheel\'s arms: log p(z) rises by hundreds of nats', () => {
    const prior = new Pinwheel();
    const off = build({ priorGuidance: 0 }, prior);
    const on = build({ priorGuidance: T }, prior);
    const before = meanLogPrior(off, prior);
    const after = meanLogPrior(on, prior);
    // Same weights (same seed), only the guidance differs. Measured: -754 -> -157 nats.
    expect(after - before).toBeGreaterThan(300);
    off.dispose();
    on.dispose();
  });

  it('round-trips through JSON with the prior in the context, and refuses to rebuild without it', () => {
    const prior = new Pinwheel();
    const q = build({ priorGuidance: 2 }, prior);
    tf.tidy(() => q.namedVariables()['guidance.logScale']!.assign(tf.tensor1d([0.5, -0.25])));
    const state = JSON.parse(JSON.stringify(q.toJSON()));
    const back = DdviPosterior.fromJSON(state, { prior });
    const draw = (p: DdviPosterior) =>
      tf.tidy(() => p.sample(tf.ones([4, 6]) as tf.Tensor2D, { seed: new SeedStream(9), training: false }).z.arraySync());
    expect(draw(back)).toEqual(draw(q));
    expect(() => DdviPosterior.fromJSON(state)).toThrow(/needs the model's prior/);
    q.dispose();
    back.dispose();
  });

  it('keeps tf.memory() flat across draws', () => {
    const q = build({ priorGuidance: T }, new IsotropicGaussian());
    const x = tf.ones([8, 6]) as tf.Tensor2D;
    const once = () => tf.tidy(() => void q.sample(x, { seed: new SeedStream(2), training: true }).z.dataSync());
    once();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) once();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    q.dispose();
  });
});

describe("prior guidance's gradient (config guidanceGradient)", () => {
  const process = createNoisingProcess({ kind: 'linear', T: 10 });
  const guidance = (prior: Distribution, gradient: 'curvature' | 'constant', K = 3, limit = 0) => new PriorGuidance(prior, process, K, new SeedStream(1), gradient, limit);
  /** d / d m of sum(w * apply(m, t)), and apply's value. */
  const gradOf = (g: PriorGuidance, m: number[][], w: number[][], t: number) =>
    tf.tidy(() => {
      const mt = tf.tensor2d(m);
      const wt = tf.tensor2d(w);
      return tf.grad((x: tf.Tensor) => tf.sum(tf.mul(g.apply(x as tf.Tensor2D, t), wt)))(mt).arraySync() as number[][];
    });
  const M = [[0.3, -0.2], [1.1, 0.4], [-0.6, 0.9]];
  const W = [[1, 0.5], [-0.3, 2], [0.7, -1.2]];

  for (const withoutScore of [false, true]) {
    it(`is the step's Jacobian I + eta H on a Gaussian prior${withoutScore ? ' without its own score (Hessian read in the forward pass)' : ''}, and I when held constant`, () => {
      // N(0, 0.5^2 I): H = -I / 0.25, so d / d m = w (1 - eta / 0.25), eta = scale_t sigmoid(s_t).
      const prior = gaussianPrior(0.5, withoutScore);
      const exact = guidance(prior, 'curvature');
      const held = guidance(prior, 'constant');
      tf.tidy(() => {
        exact.logScale.assign(tf.tensor1d([0.4, -0.7, 1.3]));
        held.logScale.assign(tf.tensor1d([0.4, -0.7, 1.3]));
      });
      for (const t of [1, 3]) {
        const s = [0.4, -0.7, 1.3][t - 1]!;
        const eta = exact.stepScale(t) / (1 + Math.exp(-s));
        const g = gradOf(exact, M, W, t);
        const c = gradOf(held, M, W, t);
        W.forEach((row, i) => row.forEach((w, k) => {
          expect(g[i]![k]).toBeCloseTo(w * (1 - eta / 0.25), 4);
          expect(c[i]![k]).toBeCloseTo(w, 5);
        }));
      }
      // Above K the mean passes through.
      gradOf(exact, M, W, 4).forEach((row, i) => row.forEach((v, k) => expect(v).toBeCloseTo(W[i]![k]!, 6)));
      exact.dispose();
      held.dispose();
    });
  }

  it("gives s_t's gradient sum(w score) scale sigmoid'(s_t) in s's row t - 1", () => {
    const prior = gaussianPrior(0.5, false);
    const g = guidance(prior, 'curvature');
    const t = 2;
    tf.tidy(() => g.logScale.assign(tf.tensor1d([0.2, -0.5, 0.9])));
    const m = tf.tensor2d(M);
    const w = tf.tensor2d(W);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(g.apply(m, t), w)) as tf.Scalar, [g.logScale]);
    const grad = Array.from(grads[g.logScale.name]!.dataSync());
    tf.dispose([value, grads, m, w]);
    const sig = 1 / (1 + Math.exp(0.5));
    const scale = g.stepScale(t);
    const sw = M.reduce((a, row, i) => a + row.reduce((b, m, k) => b + (-m / 0.25) * W[i]![k]!, 0), 0);
    expect(grad[0]).toBe(0);
    expect(grad[2]).toBe(0);
    expect(grad[1]! / (sw * scale * sig * (1 - sig))).toBeCloseTo(1, 5);
    g.dispose();
  });

  it('limits each row\'s move to kappa sqrt(beta_t), holding the factor constant in the backward pass', () => {
    // N(0, 0.5^2 I), T = 10 linear: beta_1 = 1e-4, so kappa = 3 limits a move to 0.03; eta_1 = beta_1 at s = 0.
    const prior = gaussianPrior(0.5, false);
    const t = 1;
    const beta = 1e-4;
    const limit = 3 * Math.sqrt(beta);
    const m = [[0.3, -0.2], [60, 80], [-120, 50]];
    for (const gradient of ['curvature', 'constant'] as const) {
      const g = guidance(prior, gradient, 3, 3);
      const eta = g.eta(t);
      expect(eta).toBeCloseTo(beta, 9);
      const moved = tf.tidy(() => tf.sub(g.apply(tf.tensor2d(m), t), tf.tensor2d(m)).arraySync() as number[][]);
      const grad = gradOf(g, m, W, t);
      m.forEach((row, i) => {
        const free = Math.hypot(...row) * eta / 0.25;
        const c = Math.min(1, limit / free);
        // The move: -eta c m / 0.25, of length min(free, limit).
        expect(Math.hypot(...moved[i]!) / Math.min(free, limit)).toBeCloseTo(1, 3);
        // (to 1e-3: the move is a float32 difference of values near 100)
        row.forEach((v, k) => expect(moved[i]![k]! / (-eta * c * v / 0.25)).toBeCloseTo(1, 3));
        // d / d m with c held constant: w (1 - c eta / 0.25) for 'curvature', w for 'constant'.
        W[i]!.forEach((w, k) => expect(grad[i]![k]).toBeCloseTo(gradient === 'curvature' ? w * (1 - (c * eta) / 0.25) : w, 4));
      });
      g.dispose();
    }
  });

  it("gives the pinwheel's Hessian near its arms (symmetric, along u as by axes, contracting), capped between them", () => {
    const prior = new Pinwheel();
    const g = guidance(prior, 'curvature');
    // Points near arms: prior draws moved by a tenth of an arm's width.
    const z = tf.tidy(() => tf.add(prior.sample(new SeedStream(4), [16]), tf.randomNormal([16, 2], 0, 0.0005, 'float32', 2))) as tf.Tensor2D;
    const u = tf.randomNormal([16, 2], 0, 1, 'float32', 3) as tf.Tensor2D;
    // eta = the arm's variance: then eta H u is about the projection of u on the arm's normal.
    const eta = prior.tangentialStd ** 2;
    const H = g.hessianAt(z);
    const along = g.curvatureProduct(z, u, eta).arraySync();
    const byAxes = g.curvatureProduct(z, u, eta, H).arraySync();
    const us = u.arraySync();
    for (let i = 0; i < 16; i++) {
      const size = Math.hypot(...along[i]!);
      // A score that is a gradient has a symmetric Jacobian; a wrong root weighting or frame breaks it.
      const h = [H[4 * i]!, H[4 * i + 1]!, H[4 * i + 2]!, H[4 * i + 3]!];
      expect(Math.abs(h[1]! - h[2]!) / Math.max(...h.map(Math.abs))).toBeLessThan(1e-2);
      for (let k = 0; k < 2; k++) expect(Math.abs(along[i]![k]! - byAxes[i]![k]!)).toBeLessThan(1e-2 * size + 1e-6);
      // Near an arm the step contracts the normal direction: eta H u points against u.
      expect(along[i]![0]! * us[i]![0]! + along[i]![1]! * us[i]![1]!).toBeLessThan(0);
    }
    // Midway between two arms log p is convex and its curvature huge: eta H u is capped at 2 |u|.
    const between = tf.tensor2d([[0.0, 0.6], [0.5, 0.5]]);
    const w = tf.tensor2d([[1, 0], [0, 1]]);
    const capped = g.curvatureProduct(between, w, eta).arraySync();
    for (const row of capped) expect(Math.hypot(...row)).toBeLessThanOrEqual(2 + 1e-6);
    tf.dispose([z, u, between, w]);
    g.dispose();
  });
});
