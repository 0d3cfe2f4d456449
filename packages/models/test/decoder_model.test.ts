import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Adam, SeedStream } from '@ddvi/core';
import { LabelledPrior, LearnedMixture } from '@ddvi/distributions';
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

  it('prior(labels) scores each row under its class part, unlabelled rows (label K) under the whole prior', () => {
    const m = new DecoderModel({ ...small, prior: 'pinwheel' });
    tf.tidy(() => {
      const z = tf.tensor2d([[0.5, 0.2], [-0.3, 0.8], [0.1, -0.9]]);
      const p = m.prior(tf.tensor1d([3, 10, 7], 'int32'));
      expect(p).toBeInstanceOf(LabelledPrior);
      const lp = p.logProb(z).arraySync() as number[];
      const whole = m.prior().logProb(z).arraySync() as number[];
      expect(lp[1]).toBeCloseTo(whole[1]!, 4);
      expect(lp[0]).not.toBeCloseTo(whole[0]!, 1);
      // float labels are accepted as their integer values
      const again = m.prior(tf.tensor1d([3, 10, 7])).logProb(z).arraySync() as number[];
      again.forEach((v, i) => expect(v).toBeCloseTo(lp[i]!, 5));
    });
    m.dispose();
  });

  it('learned_mixture: its means are model variables (seeded, serialized) with their regularizer as an auxiliary loss', () => {
    const m = new DecoderModel({ ...small, prior: 'learned_mixture' });
    const names = Object.keys(m.namedVariables());
    expect(names).toContain('prior.means');
    const [aux] = m.auxiliaryLosses();
    expect(aux!.variables).toEqual(['prior.means']);
    expect(aux!.learningRate).toBe(0.01);
    const means = m.namedVariables()['prior.means']!;
    const initial = aux!.loss({} as never).dataSync()[0]!;
    const adam = new Adam({ learningRate: 0.01 });
    for (let i = 0; i < 1500; i++) {
      const { grads, value } = tf.variableGrads(() => aux!.loss({} as never), [means]);
      adam.apply({ means }, { means: grads[means.name]! });
      tf.dispose([value, ...Object.values(grads)]);
    }
    const w = means.arraySync() as number[][];
    let closest = Infinity;
    w.forEach((a, i) => w.forEach((b, j) => i < j && (closest = Math.min(closest, Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!)))));
    const final = aux!.loss({} as never).dataSync()[0]!;
    console.log('learned_mixture regularizer', initial, '->', final, 'closest pair', closest);
    // The regularizer alone spreads the 20 clusters from U[0, 0.1)^2 over the box: near-maximal hinge
    // (about margin 1.5) falls by 20x; 20 discs 1.5 apart barely fit in [-2.5, 2.5]^2, so a few pairs stay closer.
    expect(initial).toBeGreaterThan(1.3);
    expect(final).toBeLessThan(initial / 20);
    expect(closest).toBeGreaterThan(0.5);
    w.flat().forEach((v) => expect(Math.abs(v)).toBeLessThan(2.6));
    adam.dispose();
    const back = DecoderModel.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    expect(back.namedVariables()['prior.means']!.arraySync()).toEqual(w);
    expect((back.prior() as LearnedMixture).means.arraySync()).toEqual(w);
    const other = new DecoderModel({ ...small, prior: 'learned_mixture', seed: 4 });
    expect(other.namedVariables()['prior.means']!.arraySync()).not.toEqual(new DecoderModel({ ...small, prior: 'learned_mixture' }).namedVariables()['prior.means']!.arraySync());
    [m, back, other].forEach((x) => x.dispose());
  });
});
