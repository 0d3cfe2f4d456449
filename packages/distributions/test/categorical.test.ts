import * as tf from '@tensorflow/tfjs-core';
import { initBackend, ValidationError } from '@ddvi/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Categorical } from '../src/index';
import type { CategoricalParams } from '../src/index';
import { expectClose, expectNoLeak, logProbOf, take, testSeed } from './helpers';

beforeAll(async () => {
  await initBackend();
});

describe('Categorical', () => {
  it('logProb of int labels (and integral floats) at hand-computed values', () => {
    expectNoLeak(() => {
      const c = new Categorical({ probs: [0.2, 0.3, 0.5] });
      expectClose(logProbOf(c, tf.tensor1d([0, 1, 2, 2], 'int32')), [Math.log(0.2), Math.log(0.3), Math.log(0.5), Math.log(0.5)], 1e-6);
      expectClose(logProbOf(c, tf.tensor1d([2, 0])), [Math.log(0.5), Math.log(0.2)], 1e-6);
      // outside the support 0..K-1: probability 0
      expect(logProbOf(c, tf.tensor1d([3, -1], 'int32'))).toEqual([-Infinity, -Infinity]);
      expect(c.support.check(2) && !c.support.check(3)).toBe(true);
      c.dispose();
      // logits [0, log 3] -> probs [1/4, 3/4], batch [2] with a uniform second row
      const d = new Categorical({ logits: [[0, Math.log(3)], [5, 5]] });
      expectClose(logProbOf(d, tf.tensor2d([[1, 0], [0, 1]], undefined, 'int32')), [Math.log(0.75), Math.log(0.5), Math.log(0.25), Math.log(0.5)], 1e-6);
      d.dispose();
    });
  });

  it('entropy is log K for uniform logits and finite with zero probabilities', () => {
    expectNoLeak(() => {
      const u = new Categorical({ logits: tf.zeros([2, 7]) });
      expectClose(take(u.entropy()), [Math.log(7), Math.log(7)], 1e-6);
      (u.logits as tf.Tensor).dispose();
      const z = new Categorical({ probs: [0, 0.5, 0.5, 0] });
      expectClose(take(z.entropy()), [Math.log(2)], 1e-6);
      // a zero-probability label gets a very negative, finite log-probability; it is never sampled
      const lp = logProbOf(z, tf.tensor1d([0], 'int32'));
      expect(lp[0]).toBeLessThan(-1e30);
      const s = take(z.sample(testSeed(), [2000]));
      expect(s.every((v) => v === 1 || v === 2)).toBe(true);
      z.dispose();
    });
  });

  it('sample frequencies match probs within 4.5 standard errors (Gumbel-max)', () => {
    expectNoLeak(() => {
      const probs = [0.05, 0.15, 0.3, 0.5];
      const c = new Categorical({ probs });
      const n = 20000;
      const s = take(c.sample(testSeed(), [n]));
      probs.forEach((p, k) => {
        const f = s.filter((v) => v === k).length / n;
        expect(Math.abs(f - p)).toBeLessThanOrEqual(4.5 * Math.sqrt((p * (1 - p)) / n));
      });
      c.dispose();
    });
  });

  it('sample carries no gradient and does not break tf.grad; logProb differentiates to onehot - softmax', () => {
    const logits = tf.tensor1d([0.5, -1, 2]);
    expectNoLeak(() => {
      const g0 = take(tf.grad((l: tf.Tensor) => tf.sum(tf.cast(new Categorical({ logits: l }, { validateArgs: false }).sample(testSeed(), [4]), 'float32')))(logits));
      expect(g0).toEqual([0, 0, 0]);
      const label = tf.scalar(2, 'int32');
      const g = take(tf.grad((l: tf.Tensor) => new Categorical({ logits: l }, { validateArgs: false }).logProb(label))(logits));
      const sm = tf.tidy(() => tf.sub(tf.oneHot(tf.scalar(2, 'int32'), 3), tf.softmax(logits)));
      expectClose(g, take(sm), 1e-6);
      label.dispose();
    });
    logits.dispose();
  });

  it.each<{ params: CategoricalParams; re: RegExp }>([
    { params: { probs: [0.5, 0.6] }, re: /^Categorical: probs must sum to 1 along the last axis, got a sum of 1.1\d* \(pass logits/ },
    { params: { probs: [[0.5, 0.5], [0.9, 0.2]] }, re: /probs must sum to 1 along the last axis, got a sum of 1\.\d+ in row 1/ },
    { params: { probs: [1.5, -0.5] }, re: /Categorical: probs must be in \[0, 1\] and sum to 1 along the last axis everywhere, got 1.5 at index 0/ },
    { params: { logits: [0, Infinity] }, re: /Categorical: logits must be finite everywhere, got Infinity at index 1/ },
    { params: { logits: 3 }, re: /Categorical: logits must have at least 1 dimension/ },
    { params: { logits: [1], probs: [1] } as unknown as CategoricalParams, re: /pass exactly one of logits or probs, got both/ },
  ])('rejects $params naming the parameter', ({ params, re }) => {
    expectNoLeak(() => {
      expect(() => new Categorical(params)).toThrow(ValidationError);
      expect(() => new Categorical(params)).toThrow(re);
    });
  });

  it('rejects labels whose shape does not broadcast against the batch', () => {
    expectNoLeak(() => {
      const c = new Categorical({ logits: [[0, 0], [0, 0]] });
      const x = tf.tensor1d([0, 1, 1], 'int32');
      expect(() => c.logProb(x)).toThrow('Categorical.logProb: value must have shape [..., 2] (batch shape [2], event shape []), got [3]');
      x.dispose();
      c.dispose();
    });
  });
});
