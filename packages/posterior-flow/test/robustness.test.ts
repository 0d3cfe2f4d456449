import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { SeedStream, ValidationError, createPosterior } from '@ddvi/core';
import { AffineCoupling, Chain, IAFStep, MAFStep, Permute } from '../src';
import { makeBijectors } from './bijectors';

const allFinite = (t: tf.Tensor) => tf.tidy(() => tf.all(tf.isFinite(t)).dataSync()[0] === 1);

const small = { hidden: [16], flowHidden: [8], contextSize: 3 };
const configs: Record<string, Record<string, unknown>> = {
  iaf: small,
  realnvp: small,
  maf: small,
  hiaf: { ...small, level2Features: 8, level2Hidden: [8] },
  'hiaf (learned reverse)': { ...small, level2Features: 8, level2Hidden: [8], reverse: 'learned', reverseHidden: [8] },
};
const familyOf = (name: string) => name.split(' ')[0]!;

describe('extreme inputs', () => {
  it('every bijector stays finite on inputs and contexts of magnitude 1e3', () => {
    for (const d of [2, 4]) {
      const bijectors = makeBijectors(d, 3, 9);
      tf.tidy(() => {
        const x = tf.mul(1e3, tf.sign(tf.randomNormal([16, d], 0, 1, 'float32', 1))) as tf.Tensor2D;
        const mixed = tf.mul(tf.randomNormal([16, d], 0, 1, 'float32', 2), 1e3) as tf.Tensor2D;
        const ctx = tf.mul(1e3, tf.randomNormal([16, 3], 0, 1, 'float32', 3)) as tf.Tensor2D;
        for (const [name, b] of Object.entries(bijectors)) {
          for (const input of [x, mixed]) {
            const f = b.forward(input, ctx);
            expect(allFinite(f.y) && allFinite(f.logDetJ), `${name}.forward (d=${d})`).toBe(true);
            if (b.hasInverse) {
              const r = b.inverse(input, ctx);
              expect(allFinite(r.x) && allFinite(r.logDetJ), `${name}.inverse (d=${d})`).toBe(true);
            }
          }
        }
      });
      for (const b of Object.values(bijectors)) b.dispose();
    }
  });

  it.each(Object.keys(configs))('%s: finite z and logQ for x of magnitude 1e3', (name) => {
    const q = createPosterior(familyOf(name), { latentSize: 2, dataSize: 6, seed: 3, config: configs[name] });
    tf.tidy(() => {
      const x = tf.mul(1e3, tf.randomNormal([8, 6], 0, 1, 'float32', 4)) as tf.Tensor2D;
      const s = q.sample(x, { seed: new SeedStream(1), training: false });
      expect(allFinite(s.z)).toBe(true);
      expect(allFinite(s.logQ)).toBe(true);
    });
    q.dispose();
  });
});

describe('clear errors', () => {
  it.each(Object.keys(configs))('%s: names x and its expected shape', (name) => {
    const q = createPosterior(familyOf(name), { latentSize: 2, dataSize: 6, seed: 3, config: configs[name] });
    const bad = tf.zeros([4, 5]) as tf.Tensor2D;
    expect(() => q.sample(bad, { seed: new SeedStream(1), training: false })).toThrow(/Posterior: x must be of shape \[\*, 6\], got "shape \[4, 5\]"/);
    bad.dispose();
    q.dispose();
  });

  it.each(['iaf', 'realnvp', 'maf', 'hiaf'])('%s: names the bad config key and what it expects', (family) => {
    const make = (config: Record<string, unknown>) => () => createPosterior(family, { latentSize: 2, dataSize: 6, seed: 1, config });
    expect(make({ layers: 0 })).toThrow(/layers must be an integer >= 1, got 0/);
    expect(make({ contextSize: 1.5 })).toThrow(/contextSize must be an integer >= 0, got 1.5/);
    expect(make({ flowHidden: [8, -1] })).toThrow(/flowHidden\[1\] must be an integer >= 1, got -1/);
    expect(make({ dropout: 1 })).toThrow(/dropout must be a finite number >= 0 and < 1, got 1/);
    expect(make({ scale: 'relu' })).toThrow(/scale must be one of "sigmoid", "softplus", "exp"/);
    expect(make({ widths: [3] })).toThrow(/unknown key "widths" \(known keys: hidden, /);
    expect(make({ flowHiden: [3] })).toThrow(/unknown key "flowHiden"; did you mean "flowHidden"\?/);
    expect(make({ layers: 0 })).toThrow(ValidationError);
  });

  it('bijectors name their parameter and the expected shape', () => {
    const coupling = new AffineCoupling({ size: 3, mask: [1, 0, 1], hidden: [4], contextSize: 2, seed: 1 });
    const x = tf.zeros([4, 3]) as tf.Tensor2D;
    expect(() => coupling.forward(tf.zeros([4, 2]) as tf.Tensor2D, tf.zeros([4, 2]) as tf.Tensor2D)).toThrow(/AffineCoupling: x must have shape \[batch, 3\], got \[4, 2\]/);
    expect(() => coupling.forward(x)).toThrow(/AffineCoupling: context of shape \[batch, 2\] is required/);
    expect(() => coupling.inverse(x, tf.zeros([3, 2]) as tf.Tensor2D)).toThrow(/context must have shape \[4, 2\]/);
    expect(() => new AffineCoupling({ size: 3, mask: [1, 1, 1], hidden: [4], seed: 1 })).toThrow(/mask must leave at least one dimension/);
    expect(() => new AffineCoupling({ size: 3, mask: [1, 0], hidden: [4], seed: 1 })).toThrow(/mask must be an array of 3 zeros and ones/);
    expect(() => new AffineCoupling({ size: 2, mask: [1, 0], hidden: [4], seed: 1, scaleBound: 0 })).toThrow(/scaleBound must be a finite number > 0/);
    expect(() => new Permute([0, 0, 1])).toThrow(/permutation must be a permutation of 0..2/);
    expect(() => new MAFStep({ size: 2, hidden: [], seed: 1 })).toThrow(/hidden must be a non-empty array/);
    expect(() => new IAFStep({ size: 2, hidden: [4], seed: 1, gateBias: NaN })).toThrow(/gateBias must be a finite number/);
    const p = Permute.reverse(2);
    expect(() => new Chain([p, Permute.reverse(3)])).toThrow(/every bijector must have the same size, got \[2, 3\]/);
    expect(() => new Chain([])).toThrow(/bijectors must be a non-empty array/);
    tf.dispose(x);
    coupling.dispose();
    p.dispose();
  });
});
