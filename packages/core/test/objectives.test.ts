import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Elbo, Iwae, SeedStream, initBackend } from '../src';
import { referenceLinearGaussian, testSeed } from '../src/testing';
import { LinearPosterior } from './fixtures';

describe('Elbo and Iwae on the linear-Gaussian model', () => {
  beforeAll(async () => {
    await initBackend();
  });
  const model = referenceLinearGaussian();
  const data = model.sampleDataset(64, testSeed());
  const exact = model.logEvidence(data.x);

  it('equal the exact log-evidence for every sample when q is the exact posterior (tolerance 1e-3 nats)', () => {
    const q = new LinearPosterior(2, 6);
    q.setExact(model.options.weights, model.options.offset, model.options.noise);
    const batch = data.batch(Int32Array.from({ length: 64 }, (_, i) => i));
    for (const objective of [new Elbo(), new Iwae({ k: 5 })]) {
      const r = objective.compute(model, q, batch, { seed: new SeedStream(3), training: false, epoch: 0 });
      const bound = r.bound!.dataSync();
      bound.forEach((v, i) => expect(Math.abs(v - exact[i]!)).toBeLessThan(1e-3));
      tf.dispose(r as unknown as tf.TensorContainer);
    }
    tf.dispose(batch.x);
    q.dispose();
  });

  it('Elbo of a poor q is below log p(x), and Iwae closes the gap as k grows (k = 10, 200)', () => {
    const q = new LinearPosterior(2, 6, 5); // a poor q: random A, scale e^-0.5
    const batch = data.batch(Int32Array.from({ length: 64 }, (_, i) => i));
    const meanBound = (o: Elbo | Iwae, reps: number) => {
      let total = 0;
      for (let r = 0; r < reps; r++) {
        const res = o.compute(model, q, batch, { seed: new SeedStream(100 + r), training: false, epoch: 0 });
        total += tf.mean(res.bound!).dataSync()[0]!;
        tf.dispose(res as unknown as tf.TensorContainer);
      }
      return total / reps;
    };
    const logp = exact.reduce((a, b) => a + b, 0) / exact.length;
    const elbo = meanBound(new Elbo(), 20);
    const iw10 = meanBound(new Iwae({ k: 10 }), 20);
    const iw200 = meanBound(new Iwae({ k: 200, chunk: 50 }), 3);
    expect(elbo).toBeLessThan(logp);
    expect(iw10).toBeGreaterThan(elbo);
    expect(iw200).toBeGreaterThan(iw10);
    expect(iw200).toBeLessThan(logp + 0.05);
    tf.dispose(batch.x);
    q.dispose();
  });

  it('Iwae with k = 1 equals Elbo under the same seed', () => {
    const q = new LinearPosterior(2, 6, 9);
    const batch = data.batch(Int32Array.from([0, 1, 2, 3]));
    const a = new Elbo({ analyticKl: false }).compute(model, q, batch, { seed: new SeedStream(7), training: false, epoch: 0 });
    const b = new Iwae({ k: 1 }).compute(model, q, batch, { seed: new SeedStream(7), training: false, epoch: 0 });
    const av = a.bound!.dataSync();
    b.bound!.dataSync().forEach((v, i) => expect(v).toBeCloseTo(av[i]!, 4));
    tf.dispose([a, b, batch.x] as unknown as tf.TensorContainer);
    q.dispose();
  });

  it('rejects bad options with messages that name the parameter', () => {
    expect(() => new Iwae({ k: 0 })).toThrow(/Iwae: k must be an integer >= 1, got 0/);
    expect(() => new Elbo({ beta: -1 })).toThrow(/beta must be a finite number >= 0, got -1/);
  });
});
