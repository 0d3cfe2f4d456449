import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeedStream, ValidationError, initBackend } from '@ddvi/core';
import { expectNoLeak } from '@ddvi/core/testing';
import { DecoderModel } from '../src';

beforeAll(async () => {
  await initBackend();
});

const CONV = { kind: 'conv' as const, shape: [3, 32, 32] as [number, number, number] };

describe('DecoderModel with the conv decoder (spec §6)', () => {
  it('decodes z to 3x32x32 means in (0, 1) under the Gaussian likelihood, round-trips through JSON, and leaks nothing', () => {
    const m = new DecoderModel({ latentSize: 2, dataSize: 3072, prior: 'pinwheel', likelihood: 'gaussian', gaussianScale: Math.SQRT1_2, trunk: CONV, seed: 4 });
    expect(Object.keys(m.namedVariables())).toContain('decoder.deconv3.weight');
    const z = tf.randomNormal([3, 2], 0, 1, 'float32', 1) as tf.Tensor2D;
    const mean = m.decode(z);
    expect(mean.shape).toEqual([3, 3072]);
    const v = mean.dataSync();
    expect(Math.min(...v)).toBeGreaterThan(0);
    expect(Math.max(...v)).toBeLessThan(1);
    // log N(x; mu, 1/2) summed over 3,072 pixels = -SSE - 1536 log(pi): check the closed form on x = 0.5.
    const x = tf.fill([3, 3072], 0.5);
    const lp = tf.tidy(() => m.likelihood(z, { training: false, seed: new SeedStream(0) }).logProb(x)).dataSync();
    const sse = Array.from({ length: 3 }, (_, r) => Array.from(v.slice(r * 3072, (r + 1) * 3072)).reduce((s: number, p: number) => s + (p - 0.5) ** 2, 0));
    lp.forEach((l, r) => expect(l).toBeCloseTo(-sse[r]! - 1536 * Math.log(Math.PI), 1));
    const back = DecoderModel.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    expect(back.config.trunk).toEqual(CONV);
    expect(back.decode(z).dataSync()).toEqual(v);
    // Callers read a likelihood inside tf.tidy (its tensors belong to the scope), as the objectives do.
    expectNoLeak(() => tf.dispose(tf.tidy(() => m.likelihood(z, { training: true, seed: new SeedStream(1) }).mean())));
    tf.dispose([z, mean, x]);
    m.dispose();
    back.dispose();
  });

  it('without a trunk the MLP decoder is unchanged; a shape that does not match dataSize fails', () => {
    const a = new DecoderModel({ latentSize: 2, dataSize: 784, prior: 'pinwheel', seed: 4, hidden: [8] });
    const b = new DecoderModel({ latentSize: 2, dataSize: 784, prior: 'pinwheel', seed: 4, hidden: [8], trunk: { kind: 'mlp' } });
    expect(Object.keys(a.namedVariables())).toEqual(Object.keys(b.namedVariables()));
    expect(a.namedVariables()['decoder.hidden0.weight']!.dataSync()).toEqual(b.namedVariables()['decoder.hidden0.weight']!.dataSync());
    expect(a.toJSON().config).not.toHaveProperty('trunk');
    expect(() => new DecoderModel({ latentSize: 2, dataSize: 784, prior: 'pinwheel', seed: 4, trunk: CONV })).toThrow(ValidationError);
    a.dispose();
    b.dispose();
  });
});
