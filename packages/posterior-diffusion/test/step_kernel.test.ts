import * as tf from '@tensorflow/tfjs-core';
import { SeedStream } from '@ddvi/core';
import { onBackend } from '@ddvi/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { fusedReverseStepAvailable, setFusedReverseStep } from '../src';
import type { DdviPosteriorConfig } from '../src';
import { gaussianPrior, small, tiled } from './helpers';

const X = [0.3, -1.2, 0.8, 0.1, -0.4, 1.5];

/** Everything a training draw gives and the gradients of a loss on all of it, with the fused step on or off. */
function run(config: Case, fused: boolean): { values: Record<string, number[]>; grads: Record<string, number[]> } {
  setFusedReverseStep(fused);
  // Prior guidance needs the model's prior. A broad one: on a thin one (a pinwheel arm) the last
  // step's jump onto the arm makes the bound's (y_1 - a m)^2 / beta_1 large, and float32 rounding in
  // it then exceeds the tolerance below.
  const { priorWithoutScore, ...posteriorConfig } = config;
  const q = small({ encoderDropout: 0.2, contextDropout: 0.1, ...posteriorConfig }, 6, 1, config.priorGuidance ? gaussianPrior(0.5, priorWithoutScore === true) : undefined);
  const x = tiled(X, 4);
  try {
    const values: Record<string, number[]> = {};
    const vars = q.namedVariables();
    const { value, grads } = tf.variableGrads(() => {
      const s = q.sample(x, { seed: new SeedStream(7), training: true });
      const parts: Record<string, tf.Tensor> = { z: s.z, logQ: s.logQ, ...s.diagnostics };
      if (s.surrogate) Object.assign(parts, { surrogateLogQ: s.surrogate.logQ, penalty: s.surrogate.penalty });
      for (const [k, t] of Object.entries(parts)) values[k] = Array.from(t.dataSync());
      // Weights make every part matter to the gradient.
      return tf.addN(Object.values(parts).map((t, i) => tf.sum(tf.mul(t, 0.3 + 0.1 * i)))) as tf.Scalar;
    }, Object.values(vars));
    value.dispose();
    const names = new Map(Object.entries(vars).map(([k, v]) => [v.name, k]));
    const out: Record<string, number[]> = {};
    for (const [k, g] of Object.entries(grads)) out[names.get(k) ?? k] = Array.from(g.dataSync());
    tf.dispose(grads);
    return { values, grads: out };
  } finally {
    x.dispose();
    q.dispose();
    setFusedReverseStep(true);
  }
}

/**
 * 1e-4 of the largest magnitude: the last step (beta_1 = 1e-4) divides the bound's (y - a m)^2, which
 * cancels in float32, by 1e-4, so the ops' own rounding reaches ~3e-5 of some gradients (the kernel
 * computes in double). A wrong term moves them by 1e-3 and more (checked by breaking the backward pass).
 */
function expectClose(a: Record<string, number[]>, b: Record<string, number[]>, what: string, tol = 1e-4): void {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  for (const k of Object.keys(a)) {
    const x = a[k]!;
    const y = b[k]!;
    expect(x.length, `${what} ${k}`).toBe(y.length);
    const scale = Math.max(1, ...y.map(Math.abs));
    for (let i = 0; i < x.length; i++) {
      if (Math.abs(x[i]! - y[i]!) > tol * scale) throw new Error(`${what} ${k}[${i}]: fused ${x[i]} vs ops ${y[i]} (scale ${scale})`);
    }
  }
}

/** A posterior config, and for prior guidance whether the prior lacks its own `score` (then the fused op runs the steps above K, the guided ones run op by op). */
type Case = Partial<DdviPosteriorConfig> & { priorWithoutScore?: boolean };

const CONFIGS: Record<string, Case> = {
  'defaults (learned variance, DDPM mean, the bound)': {},
  'learned variance with a floor': { varianceFloor: 0.01 },
  'reference: posterior variance, DDIM mean, Huber wake': { reverseVariance: 'posterior', reverseMean: 'ddim', wake: 'huber' },
  'forward variance, DDPM mean, MSE wake': { reverseVariance: 'forward', wake: 'mse' },
  'y0 prediction, DDPM mean': { predict: 'y0' },
  'y0 prediction, DDIM mean (ops only)': { predict: 'y0', reverseMean: 'ddim' },
  'cosine schedule, T = 7': { noising: { kind: 'cosine', T: 7 } },
  'one step': { noising: { kind: 'linear', T: 1 } },
  '6 denoiser layers (two residuals)': { denoiserLayers: 6 },
  'semi-supervised (context with class one-hots)': { classes: 3 },
  'prior guidance in the last 2 of 5 steps (inside the fused op)': { priorGuidance: 2 },
  'prior guidance in every step (inside the fused op)': { priorGuidance: 5 },
  'prior guidance, a prior without score (3 steps fused, 2 op by op)': { priorGuidance: 2, priorWithoutScore: true },
  'prior guidance in every step, a prior without score (all op by op)': { priorGuidance: 5, priorWithoutScore: true },
  "prior guidance with the step's curvature in the backward pass (inside the fused op)": { priorGuidance: 3, guidanceGradient: 'curvature' },
  "prior guidance with the step's curvature, a prior without score (op by op)": { priorGuidance: 3, guidanceGradient: 'curvature', priorWithoutScore: true },
};

describe('the fused reverse chain (fused_chain.ts, step_kernel.ts)', () => {
  afterEach(() => setFusedReverseStep(true));

  for (const backend of ['wasm', 'cpu'] as const) {
    describe(`on ${backend}`, () => {
      for (const [name, config] of Object.entries(CONFIGS)) {
        it(`equals the ops' draws, bound terms and gradients: ${name}`, () =>
          onBackend(backend, () => {
            expect(fusedReverseStepAvailable()).toBe(true);
            const n0 = tf.memory().numTensors;
            const ops = run(config, false);
            const fused = run(config, true);
            expect(tf.memory().numTensors).toBe(n0);
            expectClose(fused.values, ops.values, 'value');
            expectClose(fused.grads, ops.grads, 'gradient');
          }));
      }
    });
  }

  it('is off with setFusedReverseStep(false)', () => {
    setFusedReverseStep(false);
    expect(fusedReverseStepAvailable()).toBe(false);
  });
});
