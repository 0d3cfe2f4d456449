import * as tf from '@tensorflow/tfjs-core';
import { Reconstruction, SeedStream, Trainer, encodeLatents } from '@ddvi/core';
import type { Dataset } from '@ddvi/core';
import type { Prior2D } from '@ddvi/distributions';
import { DecoderModel } from '@ddvi/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdversarialPosterior, noiseSigma } from '../src';

const K = 4;
const PRIOR = { components: K, radius: 3, radialStd: 0.3, tangentialStd: 0.3 };

/** x = z rotated by a quarter turn: the mixture maps onto itself, but class c's points land on component c + 1. */
function labelled(name: string, z: Float32Array, labels: Int32Array): Dataset {
  const x = new Float32Array(z.length);
  for (let i = 0; i < z.length / 2; i++) {
    x[2 * i] = -z[2 * i + 1]!;
    x[2 * i + 1] = z[2 * i]!;
  }
  return {
    name, size: labels.length, dataSize: 2, numClasses: K, labels: () => labels,
    batch: (indices) => {
      const xb = new Float32Array(indices.length * 2);
      const lb = new Int32Array(indices.length);
      indices.forEach((r, i) => {
        xb.set(x.subarray(2 * r, 2 * r + 2), 2 * i);
        lb[i] = labels[r]!;
      });
      return { x: tf.tensor2d(xb, [indices.length, 2]), label: tf.tensor1d(lb, 'int32') };
    },
  };
}

/** Fraction of encodings whose nearest prior component is their own class. */
function classAccuracy(z: Float32Array, labels: Int32Array): number {
  let right = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    let bestD = Infinity;
    for (let c = 0; c < K; c++) {
      const a = (2 * Math.PI * c) / K;
      const d = (z[2 * i]! - 3 * Math.cos(a)) ** 2 + (z[2 * i + 1]! - 3 * Math.sin(a)) ** 2;
      if (d < bestD) [best, bestD] = [c, d];
    }
    if (best === labels[i]) right++;
  }
  return right / labels.length;
}

describe('semi-supervised aae (aae_semi)', () => {
  let model: DecoderModel;
  let train: Dataset;
  let test: Dataset;
  beforeAll(() => {
    model = new DecoderModel({ latentSize: 2, dataSize: 2, prior: 'gaussian_mixture', priorOptions: PRIOR, hidden: [], dropout: 0, likelihood: 'gaussian', gaussianScale: 0.1, seed: 1 });
    const draw = (name: string, n: number) => {
      const s = (model.prior() as Prior2D).sampleWithClass(new SeedStream(7).fork(name), n);
      const out = labelled(name, Float32Array.from(s.z.dataSync()), Int32Array.from(s.label.dataSync()));
      tf.dispose([s.z, s.label]);
      return out;
    };
    train = draw('train', 1024);
    test = draw('test', 400);
  });
  afterAll(() => model.dispose());

  it('uses the aae_semi noise schedule: 0.3, then 0.1 * ((N - e) // (N // 4))', () => {
    expect([0, 1, 50, 51, 100, 101, 150, 151, 199].map((e) => noiseSigma(e, 200, 0.3, true))).toEqual([0.3, 0.3, 0.3, 0.2, 0.2, 0.1, 0.1, 0, 0]);
  });

  it('feeds D concat(z, onehot_{K+1}(label)) and refuses a prior without K classes', () => {
    const q = new AdversarialPosterior(2, 2, 1, { hidden: [8], discriminatorHidden: [8], semiSupervised: true, numClasses: K });
    expect(q.capabilities.supportsLabels).toBe(true);
    expect(q.namedVariables()['discriminator.hidden0.weight']!.shape).toEqual([2 + K + 1, 8]);
    const gaussian = new DecoderModel({ latentSize: 2, dataSize: 2, prior: 'gaussian', hidden: [], seed: 1 });
    const batch = test.batch(Int32Array.from([0, 1, 2]));
    const ctx = { model: gaussian, batch, seed: new SeedStream(1), epoch: 0, step: 0 };
    expect(() => q.auxiliaryLosses()[0]!.loss(ctx)).toThrow(/needs a prior with 4 classes .*"IsotropicGaussian" has 1 classes/);
    const loss = q.auxiliaryLosses()[0]!.loss({ ...ctx, model });
    expect(Number.isFinite(loss.dataSync()[0])).toBe(true);
    tf.dispose([loss, batch.x, batch.label!]);
    gaussian.dispose();
    q.dispose();
  });

  it('gives every variable a gradient: the discriminator from its loss, the encoder from the generator loss', () => {
    // The conformance kit's reference model has a prior without classes, so this variant is checked here.
    const q = new AdversarialPosterior(2, 2, 1, { hidden: [8], discriminatorHidden: [8], semiSupervised: true, numClasses: K });
    const vars = q.namedVariables();
    const batch = test.batch(Int32Array.from({ length: 16 }, (_, i) => i));
    const reached: string[] = [];
    for (const aux of q.auxiliaryLosses()) {
      const { value, grads } = tf.variableGrads(() => aux.loss({ model, batch, seed: new SeedStream(2), epoch: 0, step: 0 }), aux.variables.map((k) => vars[k]!));
      const byTf = new Map(aux.variables.map((k) => [vars[k]!.name, k]));
      for (const [n, g] of Object.entries(grads)) if (tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]!) > 0) reached.push(byTf.get(n)!);
      tf.dispose([value, ...Object.values(grads)]);
    }
    expect(reached.sort()).toEqual(Object.keys(vars).sort());
    tf.dispose([batch.x, batch.label!]);
    q.dispose();
  });

  async function fit(semiSupervised: boolean) {
    const fresh = DecoderModel.fromJSON(model.toJSON());
    const q = new AdversarialPosterior(2, 2, 3, { hidden: [32, 32], dropout: 0, discriminatorHidden: [64, 64], semiSupervised, numClasses: K });
    const trainer = new Trainer({ model: fresh, posterior: q, objective: new Reconstruction(), train, batchSize: 64, epochs: 20, learningRate: 2e-3, seed: 11 });
    await trainer.fit();
    trainer.dispose();
    const latents = encodeLatents(q, test, { seed: 1 });
    q.dispose();
    fresh.dispose();
    return classAccuracy(latents.z, latents.labels!);
  }

  it('puts each labelled class on its own prior component (the unsupervised aae has no reason to)', async () => {
    const semi = await fit(true);
    const unsupervised = await fit(false);
    // Measured (wasm): semi-supervised 1.0, unsupervised 0.495.
    expect(semi).toBeGreaterThan(0.9);
    expect(unsupervised).toBeLessThan(0.9);
  });
});
