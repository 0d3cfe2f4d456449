import * as tf from '@tensorflow/tfjs-core';
import { initBackend, ValidationError } from '@ddvi/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Bernoulli } from '../src/index';
import type { BinaryParams } from '../src/index';
import { expectClose, expectNoLeak, logProbOf, take, testSeed } from './helpers';

beforeAll(async () => {
  await initBackend();
});

describe('Bernoulli', () => {
  it('logProb of grey levels is the BCE x log p + (1 - x) log(1 - p), from probs or logits', () => {
    expectNoLeak(() => {
      const x = [0.25, 0.6, 0, 1];
      const p = [0.3, 0.9, 0.5, 0.2];
      const bce = x.reduce((s, xi, i) => s + xi * Math.log(p[i]!) + (1 - xi) * Math.log(1 - p[i]!), 0);
      const a = new Bernoulli({ probs: p });
      const b = new Bernoulli({ logits: p.map((v) => Math.log(v / (1 - v))) });
      expectClose(logProbOf(a, tf.tensor1d(x)), [bce], 1e-5);
      expectClose(logProbOf(b, tf.tensor1d(x)), [bce], 1e-5);
      // int32 values are cast
      expectClose(logProbOf(a, tf.tensor1d([0, 1, 0, 1], 'int32')), [Math.log(0.7 * 0.9 * 0.5 * 0.2)], 1e-5);
      a.dispose();
      b.dispose();
    });
  });

  it('is stable for extreme logits and for probs 0 and 1', () => {
    expectNoLeak(() => {
      const d = new Bernoulli({ logits: [[100, -100, 30]] });
      // 1*100 - softplus(100) = 0; 0 - softplus(-100) = -3.7e-44; 0.5*30 - softplus(30) = -15
      expectClose(logProbOf(d, tf.tensor1d([1, 0, 0.5])), [-15], 1e-4);
      expectClose(take(d.entropy()), [0], 1e-4);
      d.dispose();
      const e = new Bernoulli({ probs: [0, 1] });
      expectClose(logProbOf(e, tf.tensor1d([0, 1])), [0], 1e-5);
      // clamped to [eps, 1 - eps]: log(eps) = -15.94 per wrong pixel, finite
      expectClose(logProbOf(e, tf.tensor1d([1, 0])), [2 * Math.log(1.1920928955078125e-7)], 1e-2, 1e-3);
      expectClose(take(e.mean()), [0, 1], 0, 0);
      e.dispose();
    });
  });

  it('samples are exactly 0 or 1; probs 0 and 1 are respected', () => {
    expectNoLeak(() => {
      const d = new Bernoulli({ probs: [0, 0.3, 1] });
      const s = take(d.sample(testSeed(), [500]));
      expect(s.every((v) => v === 0 || v === 1)).toBe(true);
      for (let i = 0; i < s.length; i += 3) {
        expect(s[i]).toBe(0);
        expect(s[i + 2]).toBe(1);
      }
      d.dispose();
    });
  });

  it('d logProb / d logits = x - sigmoid(logits), finite for grey levels', () => {
    const logits = tf.tensor2d([[-3, 0, 2], [50, -50, 0.5]]);
    const x = tf.tensor2d([[0.1, 0.5, 1], [0.3, 0.7, 0]]);
    expectNoLeak(() => {
      const g = take(tf.grad((l: tf.Tensor) => tf.sum(new Bernoulli({ logits: l }, { validateArgs: false }).logProb(x)))(logits));
      const expected = tf.tidy(() => tf.sub(x, tf.sigmoid(logits)));
      expectClose(g, take(expected), 1e-6);
    });
    tf.dispose([logits, x]);
  });

  it.each<{ params: BinaryParams; re: RegExp }>([
    { params: { probs: [0.5, 1.5] }, re: /^Bernoulli: probs must be in \[0, 1\] everywhere, got 1.5 at index 1$/ },
    { params: { probs: [[0.5], [-0.1]] }, re: /Bernoulli: probs must be in \[0, 1\] everywhere, got -0.1\d* at index \[1, 0\]/ },
    { params: { logits: [0, NaN] }, re: /Bernoulli: logits must be finite everywhere, got NaN at index 1/ },
    { params: { probs: 0.5 }, re: /Bernoulli: probs must have at least 1 dimension\(s\) \(the last axis is the event axis/ },
    { params: { probs: [0.5], logits: [0] } as unknown as BinaryParams, re: /Bernoulli: pass exactly one of probs or logits, got both/ },
    { params: {} as BinaryParams, re: /Bernoulli: pass exactly one of probs or logits, got neither/ },
  ])('rejects $params naming the parameter', ({ params, re }) => {
    expectNoLeak(() => {
      expect(() => new Bernoulli(params)).toThrow(ValidationError);
      expect(() => new Bernoulli(params)).toThrow(re);
    });
  });
});
