import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Elbo, Iwae, Reconstruction, SeedStream, createPosterior, encodeLatents, evaluate } from '@ddvi/core';
import { expectNoLeak } from '@ddvi/core/testing';
import { DecoderModel } from '@ddvi/models';
import { DdviPosterior } from '@ddvi/posterior-diffusion';
import '@ddvi/posterior-gaussian';
import { SurrogateReconstruction, TensorDataset, scoringPair, trainingObjective } from '../../src/index';

const D = 6;
const x = tf.tensor2d(Float32Array.from({ length: 4 * D }, (_, i) => ((i * 7) % 10) / 10), [4, D]);
const model = new DecoderModel({ latentSize: 2, dataSize: D, prior: 'pinwheel', seed: 3, hidden: [8], dropout: 0.5 });
// The reference's DDVI: deterministic DDIM chain (no density), Huber wake.
const ddvi = new DdviPosterior(2, D, 5, { hidden: [8], reverseVariance: 'none', reverseMean: 'ddim', wake: 'huber', noising: { kind: 'linear', T: 3 }, denoiserWidth: 8 });
const gaussian = createPosterior('gaussian', { latentSize: 2, dataSize: D, seed: 7, config: { hidden: [8], dropout: 0.5 } });
afterAll(() => {
  x.dispose();
  model.dispose();
  ddvi.dispose();
  gaussian.dispose();
});

const scalar = (t: tf.Tensor) => t.dataSync()[0]!;

describe('SurrogateReconstruction: training a family without a density on its own loss', () => {
  it('is the ELBO for a family with a density, and the surrogate objective without one', () => {
    expect(trainingObjective(gaussian, 1)).toBeInstanceOf(Elbo);
    expect(trainingObjective(ddvi, 1)).toBeInstanceOf(SurrogateReconstruction);
    expect(ddvi.capabilities.hasDensity).toBe(false);
  });

  it('trains on -log p(x|z) + beta (surrogate.logQ - log p(z)) + penalty, beta from the epoch', () => {
    const beta = (epoch: number) => 0.5 * (epoch + 1);
    expectNoLeak(() => {
      const r = new SurrogateReconstruction({ beta }).compute(model, ddvi, { x }, { seed: new SeedStream(11), training: true, epoch: 2 });
      // The same draws by hand (same seed, same order of use).
      const expected = tf.tidy(() => {
        const seed = new SeedStream(11);
        const q = ddvi.sample(x, { seed, training: true });
        expect(q.surrogate).toBeDefined();
        const logLik = model.likelihood(q.z, { training: true, seed }).logProb(x);
        return tf.add(tf.sub(tf.mul(1.5, tf.mean(tf.sub(q.surrogate!.logQ, model.prior().logProb(q.z)))), tf.mean(logLik)), tf.mean(q.surrogate!.penalty));
      });
      expect(scalar(r.loss)).toBeCloseTo(scalar(expected), 3);
      expect(r.bound).toBeUndefined();
      expect(Object.keys(r.terms)).toEqual(expect.arrayContaining(['reconstruction', 'surrogateKl', 'surrogatePenalty']));
      // The regularizer is a real term here: the loss is not the reconstruction's.
      expect(Math.abs(scalar(r.loss) + scalar(r.terms.reconstruction!))).toBeGreaterThan(1e-3);
      tf.dispose([r.loss, ...Object.values(r.terms), expected]);
    });
  });

  it('is exactly the Reconstruction objective when not training (no surrogate used, no bound)', () => {
    expectNoLeak(() => {
      const ctx = () => ({ seed: new SeedStream(4), training: false, epoch: 0 });
      const ours = new SurrogateReconstruction({ beta: 3 }).compute(model, ddvi, { x }, ctx());
      const plain = new Reconstruction().compute(model, ddvi, { x }, ctx());
      expect(scalar(ours.loss)).toBe(scalar(plain.loss));
      expect(ours.terms.surrogateKl).toBeUndefined();
      expect(new SurrogateReconstruction().name).toBe(new Reconstruction().name);
      tf.dispose([ours.loss, plain.loss, ...Object.values(ours.terms), ...Object.values(plain.terms)]);
    });
  });
});

describe('scoringPair: dropout at evaluation (the reference protocol)', () => {
  const data = new TensorDataset({ name: 't', data: Float32Array.from(x.dataSync()), dataSize: D });

  it('without evalDropout is the pair itself', () => {
    const pair = scoringPair(false, model, gaussian);
    expect(pair.model).toBe(model);
    expect(pair.posterior).toBe(gaussian);
  });

  it('with evalDropout samples and decodes with dropout on, as training: true does, and forwards everything else', () => {
    const pair = scoringPair(true, model, gaussian);
    expect(pair.posterior.latentSize).toBe(2);
    expect(pair.posterior.capabilities).toEqual(gaussian.capabilities);
    expect(pair.model.dataSize).toBe(D);
    expectNoLeak(() => {
      const off = encodeLatents(gaussian, data, { seed: 1 }).z;
      const on = encodeLatents(pair.posterior, data, { seed: 1 }).z;
      expect(Array.from(on)).not.toEqual(Array.from(off));
      // The same as asking the family for training: true with the same seeds.
      const by = tf.tidy(() => gaussian.sample(x, { seed: new SeedStream(1).fork('encode').fork(0), training: true }).z.dataSync());
      expect(Array.from(on)).toEqual(Array.from(by));
      // The scores move too: the ELBO with dropout in both networks differs from the one without.
      const a = evaluate(model, gaussian, new Elbo(), data, { seed: 2 }).bound!;
      const b = evaluate(pair.model, pair.posterior, new Elbo(), data, { seed: 2 }).bound!;
      expect(Number.isFinite(b)).toBe(true);
      expect(b).not.toBe(a);
    });
  });

  it("with evalDropout the IWAE's draws keep dropout on too (sampleDraws), each draw its own mask: the tiled path's bound", () => {
    const pair = scoringPair(true, model, gaussian);
    expectNoLeak(() => {
      const iwae = new Iwae({ k: 5 });
      const on = evaluate(pair.model, pair.posterior, iwae, data, { seed: 3 }).bound!;
      // The family without sampleDraws, through the same dropout-on pair: x tiled, dropout per draw (the path before sampleDraws).
      const tiledOnly = new Proxy(gaussian, { get: (t, p) => (p === 'sampleDraws' ? undefined : Reflect.get(t, p, t)) });
      const tiledPair = scoringPair(true, model, tiledOnly);
      expect(on).toBeCloseTo(evaluate(tiledPair.model, tiledPair.posterior, iwae, data, { seed: 3 }).bound!, 4);
      expect(on).not.toBeCloseTo(evaluate(model, gaussian, iwae, data, { seed: 3 }).bound!, 4);
    });
  });
});
