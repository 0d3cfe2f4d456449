import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { SeedStream } from '@ddvi/core';
import { DecoderModel } from '../src';

const small = { latentSize: 2, dataSize: 12, hidden: [16], prior: 'gaussian', seed: 3 };

describe('DecoderModel', () => {
  it('gives p(x|z) with batch [B] and event [D], whose Bernoulli logProb is the summed BCE of the decoded means', () => {
    const m = new DecoderModel({ ...small, dropout: 0 });
    tf.tidy(() => {
      const z = tf.randomNormal([5, 2], 0, 1, 'float32', 1) as tf.Tensor2D;
      const x = tf.randomUniform([5, 12], 0, 1, 'float32', 2) as tf.Tensor2D;
      const px = m.likelihood(z, { training: false, seed: new SeedStream(0) });
      expect(px.batchShape).toEqual([5]);
      expect(px.eventShape).toEqual([12]);
      const p = m.decode(z);
      const bce = tf.sum(tf.add(tf.mul(x, tf.log(p)), tf.mul(tf.sub(1, x), tf.log(tf.sub(1, p)))), 1);
      const ll = px.logProb(x).dataSync();
      bce.dataSync().forEach((v, i) => expect(ll[i]).toBeCloseTo(v, 3));
    });
    m.dispose();
  });

  it('uses the named prior over 2-D latents and rejects a mismatched latent size or unknown names', () => {
    const m = new DecoderModel(small);
    expect(m.prior().eventShape).toEqual([2]);
    m.dispose();
    expect(() => new DecoderModel({ ...small, prior: 'pinwheeel' })).toThrow(/pinwheeel/);
    expect(() => new DecoderModel({ ...small, latentSize: 3 })).toThrow(/latentSize is 3/);
    expect(() => new DecoderModel({ ...small, likelihood: 'poisson' as never })).toThrow(/likelihood must be one of bernoulli, continuous-bernoulli, gaussian, got "poisson"/);
  });

  it('gaussian likelihood is N(mean, scale^2 I) with the fixed scale', () => {
    const m = new DecoderModel({ ...small, likelihood: 'gaussian', gaussianScale: 0.5, dropout: 0 });
    tf.tidy(() => {
      const z = tf.zeros([1, 2]) as tf.Tensor2D;
      const px = m.likelihood(z, { training: false, seed: new SeedStream(0) });
      const mean = px.mean() as tf.Tensor2D;
      const ll = px.logProb(mean).dataSync()[0]!;
      expect(ll).toBeCloseTo(-12 * (0.5 * Math.log(2 * Math.PI) + Math.log(0.5)), 3);
    });
    m.dispose();
  });

  it('round-trips through toJSON / fromJSON', () => {
    const m = new DecoderModel(small);
    const r = DecoderModel.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    tf.tidy(() => {
      const z = tf.ones([2, 2]) as tf.Tensor2D;
      expect(r.decode(z).arraySync()).toEqual(m.decode(z).arraySync());
    });
    m.dispose();
    r.dispose();
  });

  it('is deterministic under its seed and leaks no tensors', () => {
    const a = new DecoderModel(small);
    const b = new DecoderModel(small);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const z = tf.ones([2, 2]) as tf.Tensor2D;
      expect(a.decode(z).arraySync()).toEqual(b.decode(z).arraySync());
      a.likelihood(z, { training: true, seed: new SeedStream(1) }).logProb(tf.zeros([2, 12]));
    });
    expect(tf.memory().numTensors).toBe(before);
    a.dispose();
    b.dispose();
  });
});
