import * as tf from '@tensorflow/tfjs-core';
import { initBackend, ValidationError } from '@ddvi/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Bernoulli, Categorical, DiagNormal, Mixture, Normal } from '../src/index';
import { expectClose, expectNoLeak, logProbOf, take, testSeed } from './helpers';
import { normalLp } from './reference';

beforeAll(async () => {
  await initBackend();
});

describe('Mixture', () => {
  it('logProb is log sum_k pi_k p_k(x) (hand value, two unit Normals at -1 and 1)', () => {
    expectNoLeak(() => {
      const mixing = new Categorical({ probs: [0.5, 0.5] });
      const comps = new Normal([-1, 1], 1);
      const m = new Mixture(mixing, comps);
      const xs = [0, 1, -3];
      const expected = xs.map((x) => Math.log(0.5 * Math.exp(normalLp(x, -1, 1)) + 0.5 * Math.exp(normalLp(x, 1, 1))));
      expectClose(logProbOf(m, tf.tensor1d(xs)), expected, 1e-5);
      // at 0 both terms are N(1) = exp(-0.5) / sqrt(2 pi)
      expectClose(logProbOf(m, tf.scalar(0)), [-1.4189385332], 1e-6);
      [m, mixing, comps].forEach((d) => d.dispose());
    });
  });

  it('samples land in each well-separated cluster with the mixing frequencies', () => {
    expectNoLeak(() => {
      const w = [0.2, 0.5, 0.3];
      const mixing = new Categorical({ probs: w });
      const comps = new DiagNormal([[-10, 0], [0, 10], [10, 0]], 0.1);
      const m = new Mixture(mixing, comps);
      const n = 6000;
      const s = m.sample(testSeed(), [n]);
      expect(s.shape).toEqual([n, 2]);
      const xy = take(s);
      const counts = [0, 0, 0];
      for (let i = 0; i < n; i++) {
        const x = xy[2 * i]!;
        const y = xy[2 * i + 1]!;
        const k = x < -5 ? 0 : x > 5 ? 2 : 1;
        counts[k]! += 1;
        const ck = [[-10, 0], [0, 10], [10, 0]][k]!;
        expect(Math.hypot(x - ck[0]!, y - ck[1]!)).toBeLessThan(1);
      }
      w.forEach((p, k) => expect(Math.abs(counts[k]! / n - p)).toBeLessThanOrEqual(4.5 * Math.sqrt((p * (1 - p)) / n)));
      [m, mixing, comps].forEach((d) => d.dispose());
    });
  });

  it('gradients of logProb reach the mixing logits and the component parameters', () => {
    const logits = tf.tensor1d([0, 1]);
    const loc = tf.tensor2d([[0, 0], [1, 1]]);
    const x = tf.tensor2d([[0.5, 0.2], [2, 1]]);
    expectNoLeak(() => {
      const f = (l: tf.Tensor, mu: tf.Tensor) =>
        tf.sum(new Mixture(new Categorical({ logits: l }, { validateArgs: false }), new DiagNormal(mu, 1, { validateArgs: false })).logProb(x));
      const [gl, gm] = tf.grads(f)([logits, loc]);
      const a = take(gl!);
      const b = take(gm!);
      expect(a.every(Number.isFinite) && a.some((v) => v !== 0)).toBe(true);
      expect(b.every(Number.isFinite) && b.some((v) => v !== 0)).toBe(true);
      // gradients w.r.t. logits of a normalized mixture sum to zero
      expect(Math.abs(a[0]! + a[1]!)).toBeLessThan(1e-5);
    });
    tf.dispose([logits, loc, x]);
  });

  it('a mixture of Bernoulli images: event [D], batch broadcast from the mixing weights', () => {
    expectNoLeak(() => {
      const mixing = new Categorical({ logits: [0, 0] });
      const comps = new Bernoulli({ probs: [[[0.9, 0.1, 0.9]], [[0.1, 0.9, 0.1]]] }); // batch [2, 1]: K = 1, not 2
      expect(() => new Mixture(mixing, comps)).toThrow(/components' last batch dim must equal the mixing categories \(2\), got 1/);
      comps.dispose();
      const good = new Bernoulli({ probs: [[0.9, 0.1, 0.9], [0.1, 0.9, 0.1]] }); // batch [2] = K, event [3]
      const m = new Mixture(mixing, good);
      expect(m.batchShape).toEqual([]);
      expect(m.eventShape).toEqual([3]);
      const x = [1, 0, 1];
      const expected = Math.log(0.5 * 0.9 * 0.9 * 0.9 + 0.5 * 0.1 * 0.1 * 0.1);
      expectClose(logProbOf(m, tf.tensor1d(x)), [expected], 1e-5);
      expectClose(take(m.mean()), [0.5, 0.5, 0.5], 1e-6);
      const s = take(m.sample(testSeed(), [50]));
      expect(s.every((v) => v === 0 || v === 1)).toBe(true);
      [m, mixing, good].forEach((d) => d.dispose());
    });
  });

  it('rejects mismatched parts with messages that name them', () => {
    expectNoLeak(() => {
      const mixing = new Categorical({ logits: [0, 0, 0] });
      const scalar = new Normal(0, 1);
      expect(() => new Mixture(mixing, scalar)).toThrow(/Mixture: components must have a batch shape whose last dim indexes the components, got batch shape \[\]/);
      const two = new Normal([0, 1], 1);
      expect(() => new Mixture(mixing, two)).toThrow(ValidationError);
      const batched = new Normal([[0, 1, 2], [0, 1, 2], [0, 1, 2], [0, 1, 2]], 1); // batch [4, 3]
      const mix2 = new Categorical({ logits: [[0, 0, 0], [0, 0, 0]] }); // batch [2]
      expect(() => new Mixture(mix2, batched)).toThrow(/Mixture: mixing batch and components batch \(without K\) must have broadcastable shapes/);
      expect(() => new Mixture(scalar as unknown as Categorical, two)).toThrow(/Mixture: mixing must be a Categorical, got Normal/);
      [mixing, scalar, two, batched, mix2].forEach((d) => d.dispose());
    });
  });
});
