import * as tf from '@tensorflow/tfjs-core';
import { SeedStream } from '@ddvi/core';
import { IsotropicGaussian, Pinwheel } from '@ddvi/distributions';
import { describe, expect, it } from 'vitest';
import { DdviPosterior, resolveConfig } from '../src';
import { SMALL } from './helpers';

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
