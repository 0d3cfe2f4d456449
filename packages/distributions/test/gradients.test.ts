/**
 * Pathwise (rsample) gradients of the reparameterized families: finite, non-zero and equal to the
 * analytic derivative of loc + scale * eps; plain sample() carries none and never breaks tf.grad.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@ddvi/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Bernoulli, Categorical, ContinuousBernoulli, DiagNormal, Mixture, Normal } from '../src/index';
import { expectClose, expectNoLeak, take, testSeed } from './helpers';

beforeAll(async () => {
  await initBackend();
});

const opts = { validateArgs: false };

const GAUSSIAN = [
  { label: 'Normal', build: (l: tf.Tensor, s: tf.Tensor) => new Normal(l, s, opts), loc: [0.5, -1, 2], scale: [1, 0.5, 3] },
  { label: 'DiagNormal', build: (l: tf.Tensor, s: tf.Tensor) => new DiagNormal(l, s, opts), loc: [[0.5, -1], [2, 0]], scale: [[1, 0.5], [3, 0.1]] },
  { label: 'DiagNormal.fromLogVariance', build: (l: tf.Tensor, s: tf.Tensor) => DiagNormal.fromLogVariance(l, tf.log(tf.square(s)), opts), loc: [[0.5, -1]], scale: [[1, 0.5]] },
];

describe.each(GAUSSIAN)('$label rsample', ({ build, loc, scale }) => {
  it('d sum(rsample) / d loc = n per entry; d / d scale = sum of eps = sum (x - loc) / scale', () => {
    const l = tf.tensor(loc);
    const s = tf.tensor(scale);
    const n = 16;
    expectNoLeak(() => {
      const [gl, gs] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(build(a, b).rsample(testSeed(), [n])))([l, s]);
      const gLoc = take(gl!);
      const gScale = take(gs!);
      expectClose(gLoc, new Array(gLoc.length).fill(n), 1e-4);
      const eps = tf.tidy(() => tf.sum(tf.div(tf.sub(build(l, s).rsample(testSeed(), [n]), l), s), 0));
      expectClose(gScale, take(eps), 1e-3, 1e-3);
      expect(gScale.every((v) => Number.isFinite(v) && v !== 0)).toBe(true);
    });
    tf.dispose([l, s]);
  });
});

describe('sample() under tf.grad', () => {
  const logits = tf.tensor2d([[0.3, -0.2], [1, 0]]);
  it.each([
    { label: 'Normal', f: (l: tf.Tensor) => new Normal(l, 1, opts).sample(testSeed(), [3]) },
    { label: 'DiagNormal', f: (l: tf.Tensor) => new DiagNormal(l, 1, opts).sample(testSeed(), [3]) },
    { label: 'Bernoulli', f: (l: tf.Tensor) => new Bernoulli({ logits: l }, opts).sample(testSeed(), [3]) },
    { label: 'ContinuousBernoulli', f: (l: tf.Tensor) => new ContinuousBernoulli({ logits: l }, opts).sample(testSeed(), [3]) },
    { label: 'Categorical', f: (l: tf.Tensor) => tf.cast(new Categorical({ logits: l }, opts).sample(testSeed(), [3]), 'float32') },
    {
      label: 'Mixture',
      f: (l: tf.Tensor) => new Mixture(new Categorical({ logits: l }, opts), new Normal([[0, 1], [2, 3]], 1, opts)).sample(testSeed(), [3]),
    },
  ])('$label: gradient is zero, not an error', ({ f }) => {
    expectNoLeak(() => {
      const g = take(tf.grad((l: tf.Tensor) => tf.sum(f(l)))(logits));
      expect(g).toEqual([0, 0, 0, 0]);
    });
  });
});
