/**
 * Closed-form KLs registered by kl_rules.ts: dispatch through core's klDivergence, hand values,
 * KL(p || p) = 0, and agreement with Monte Carlo E_p[log p - log q] within 4.5 standard errors.
 */
import * as tf from '@tensorflow/tfjs-core';
import { hasClosedFormKL, initBackend, klDivergence } from '@ddvi/core';
import type { Distribution } from '@ddvi/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Bernoulli, Categorical, DiagNormal, Normal } from '../src/index';
import { expectClose, expectNoLeak, mcStats, take, testSeed } from './helpers';

beforeAll(async () => {
  await initBackend();
});

type Pair = { label: string; make: () => [Distribution & { dispose(): void }, Distribution & { dispose(): void }]; batchShape: number[] };

const PAIRS: Pair[] = [
  { label: 'Normal || Normal, scalar', make: () => [new Normal(0, 1), new Normal(1, 2)], batchShape: [] },
  { label: 'Normal || Normal, broadcast [3] vs []', make: () => [new Normal([0, 1, -1], [1, 0.5, 2]), new Normal(0.5, 1.5)], batchShape: [3] },
  { label: 'DiagNormal || DiagNormal, batch [2]', make: () => [new DiagNormal([[0, 1], [2, -1]], [[1, 0.5], [0.3, 2]]), new DiagNormal([0, 0], [1, 1])], batchShape: [2] },
  { label: 'DiagNormal || DiagNormal, logVar vs standard', make: () => [DiagNormal.fromLogVariance([0.3, -0.2, 1], [-1, 0.5, 0]), DiagNormal.standard(3)], batchShape: [] },
  { label: 'Bernoulli || Bernoulli, event [3]', make: () => [new Bernoulli({ probs: [0.1, 0.5, 0.8] }), new Bernoulli({ logits: [0, 2, -1] })], batchShape: [] },
  { label: 'Bernoulli || Bernoulli, batch [2]', make: () => [new Bernoulli({ logits: [[3, -3], [0.5, 0]] }), new Bernoulli({ probs: [0.4, 0.6] })], batchShape: [2] },
  { label: 'Categorical || Categorical, K = 4', make: () => [new Categorical({ probs: [0.1, 0.2, 0.3, 0.4] }), new Categorical({ logits: [0, 0, 1, -1] })], batchShape: [] },
  { label: 'Categorical || Categorical, batch [2]', make: () => [new Categorical({ logits: [[0, 1, 2], [2, 2, 0]] }), new Categorical({ probs: [0.5, 0.25, 0.25] })], batchShape: [2] },
];

describe.each(PAIRS)('KL($label)', ({ make, batchShape }) => {
  it('is registered, has the broadcast batch shape and is >= 0; KL(p || p) = 0', () => {
    expectNoLeak(() => {
      const [p, q] = make();
      expect(hasClosedFormKL(p, q)).toBe(true);
      const kl = klDivergence(p, q)!;
      expect(kl.shape).toEqual(batchShape);
      expect(take(kl).every((v) => v >= 0)).toBe(true);
      const self = klDivergence(p, p)!;
      expectClose(take(self), new Array(p.batchShape.reduce((a, b) => a * b, 1)).fill(0), 1e-6);
      p.dispose();
      q.dispose();
    });
  });

  it('matches Monte Carlo E_p[log p(x) - log q(x)] within 4.5 standard errors (n = 20000)', () => {
    expectNoLeak(() => {
      const [p, q] = make();
      const kl = take(klDivergence(p, q)!);
      const diff = tf.tidy(() => {
        const x = p.sample(testSeed(), [20000]);
        return tf.sub(p.logProb(x), q.logProb(x));
      });
      const st = mcStats(diff);
      diff.dispose();
      const mc = st.mean.length === kl.length ? st.mean : new Array(kl.length).fill(st.mean[0]);
      kl.forEach((v, i) => expect(Math.abs(v - mc[i]!)).toBeLessThanOrEqual(4.5 * st.se[i % st.se.length]! + 1e-6));
      p.dispose();
      q.dispose();
    });
  });
});

describe('KL rules', () => {
  it('hand values: N(0,1) || N(1,2) = log 2 + 2/8 - 1/2; Bernoulli(0.5) || Bernoulli(0.25) = 0.5 log(4/3) + 0.5 log(2/3) ... ', () => {
    expectNoLeak(() => {
      const p = new Normal(0, 1);
      const q = new Normal(1, 2);
      expectClose(take(klDivergence(p, q)!), [Math.log(2) + 0.25 - 0.5], 1e-6);
      const b = new Bernoulli({ probs: [0.5] });
      const c = new Bernoulli({ probs: [0.25] });
      expectClose(take(klDivergence(b, c)!), [0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75)], 1e-6);
      [p, q, b, c].forEach((d) => d.dispose());
    });
  });

  it('Categorical with zero probabilities in p stays finite (0 log 0 = 0)', () => {
    expectNoLeak(() => {
      const p = new Categorical({ probs: [0, 0.5, 0.5] });
      const q = new Categorical({ probs: [0.2, 0.4, 0.4] });
      expectClose(take(klDivergence(p, q)!), [Math.log(0.5 / 0.4)], 1e-6);
      p.dispose();
      q.dispose();
    });
  });

  it('Bernoulli KL is stable for extreme logits', () => {
    expectNoLeak(() => {
      const p = new Bernoulli({ logits: [60, -60] });
      const q = new Bernoulli({ logits: [60, -60] });
      const r = new Bernoulli({ logits: [0, 0] });
      expectClose(take(klDivergence(p, q)!), [0], 1e-6);
      expectClose(take(klDivergence(p, r)!), [2 * Math.log(2)], 1e-5);
      [p, q, r].forEach((d) => d.dispose());
    });
  });

  it('DiagNormal KL gradients w.r.t. loc and scale are finite and exact (d/dmu = mu for q = N(0, I))', () => {
    const mu = tf.tensor1d([0.5, -1]);
    const s = tf.tensor1d([0.5, 2]);
    expectNoLeak(() => {
      const prior = DiagNormal.standard(2);
      const [gm, gs] = tf.grads((m: tf.Tensor, sc: tf.Tensor) => klDivergence(new DiagNormal(m, sc, { validateArgs: false }), prior)!)([mu, s]);
      expectClose(take(gm!), [0.5, -1], 1e-6);
      // d/ds (s^2/2 - log s) = s - 1/s
      expectClose(take(gs!), [0.5 - 2, 2 - 0.5], 1e-6);
      prior.dispose();
    });
    tf.dispose([mu, s]);
  });

  it('no closed form for mixed families; mismatched event shapes are rejected', () => {
    expectNoLeak(() => {
      const n = new Normal([0, 0], 1);
      const d = new DiagNormal([0, 0], 1);
      expect(hasClosedFormKL(n, d)).toBe(false);
      expect(klDivergence(n, d)).toBeUndefined();
      const e = new DiagNormal([0, 0, 0], 1);
      expect(() => klDivergence(d, e)).toThrow(/kl\(DiagNormal \|\| DiagNormal\): p and q must have the same event shape, got \[2\] and \[3\]/);
      const c3 = new Categorical({ logits: [0, 0, 0] });
      const c2 = new Categorical({ logits: [0, 0] });
      expect(() => klDivergence(c3, c2)).toThrow(/same number of categories, got 3 and 2/);
      [n, d, e, c3, c2].forEach((x) => x.dispose());
    });
  });
});
