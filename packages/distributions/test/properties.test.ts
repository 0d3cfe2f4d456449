/**
 * Every row of DISTRIBUTION_CASES through the same properties: shapes, logProb against a float64
 * reference, analytic and Monte Carlo moments, determinism under a seed, and no leaked tensors.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, SeedStream, ValidationError } from '@ddvi/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DISTRIBUTION_CASES, release, size } from './cases';
import { expectClose, expectNoLeak, mcStats, take, testSeed } from './helpers';

beforeAll(async () => {
  await initBackend();
});

/** Monte Carlo tolerance: 4.5 standard errors (seeded, so a pass is reproducible). */
const Z = 4.5;
const N_MC = 20000;

describe.each(DISTRIBUTION_CASES)('$label', (c) => {
  const isLabel = (d: { name: string }) => d.name === 'Categorical';

  it('declares batch and event shapes', () => {
    expectNoLeak(() => {
      const d = c.make();
      expect(d.batchShape).toEqual(c.batchShape);
      expect(d.eventShape).toEqual(c.eventShape);
      expect(d.reparameterized).toBe(c.reparameterized);
      release(d);
    });
  });

  it.each([[[]], [[5]], [[2, 3]]])('sample(seed, %j) has shape [...sampleShape, ...batch, ...event]; logProb drops the event', (sampleShape: number[]) => {
    expectNoLeak(() => {
      const d = c.make();
      const x = d.sample(testSeed(), sampleShape);
      expect(x.shape).toEqual([...sampleShape, ...c.batchShape, ...c.eventShape]);
      expect(x.dtype).toBe(isLabel(d) ? 'int32' : 'float32');
      const lp = d.logProb(x);
      expect(lp.shape).toEqual([...sampleShape, ...c.batchShape]);
      expect(lp.dtype).toBe('float32');
      if (c.reparameterized) {
        const r = d.rsample(testSeed(), sampleShape);
        expect(r.shape).toEqual(x.shape);
        expectClose(take(r), x.dataSync(), 0, 0);
      } else {
        expect(() => d.rsample(testSeed(), sampleShape)).toThrow(ValidationError);
      }
      tf.dispose([x, lp]);
      release(d);
    });
  });

  it('logProb of its own samples matches the float64 reference', () => {
    expectNoLeak(() => {
      const d = c.make();
      const x = d.sample(testSeed(), [4]);
      const values = Array.from(x.dataSync());
      const lp = take(d.logProb(x));
      expect(lp.every(Number.isFinite)).toBe(true);
      expectClose(lp, c.refLogProb(values), 2e-4, 2e-5);
      x.dispose();
      release(d);
    });
  });

  it('mean() and variance() equal the closed forms, shape [...batch, ...event]', () => {
    expectNoLeak(() => {
      const d = c.make();
      const m = d.mean();
      expect(m.shape).toEqual([...c.batchShape, ...c.eventShape]);
      expectClose(take(m), c.refMean, 1e-5, 1e-5);
      const v = d.variance!();
      expect(v.shape).toEqual([...c.batchShape, ...c.eventShape]);
      expectClose(take(v), c.refVariance, 1e-5, 1e-4);
      release(d);
    });
  });

  it(`Monte Carlo mean and variance agree within ${Z} standard errors (n = ${N_MC})`, () => {
    expectNoLeak(() => {
      const d = c.make();
      const x = d.sample(testSeed(), [N_MC]);
      const st = mcStats(x);
      x.dispose();
      release(d);
      expect(st.mean.length).toBe(size([...c.batchShape, ...c.eventShape]));
      for (let j = 0; j < st.mean.length; j++) {
        expect(Math.abs(st.mean[j]! - c.refMean[j]!)).toBeLessThanOrEqual(Z * st.se[j]! + 1e-6);
        // Second-order term: the sample variance is centred on the sample mean, which is off by ~se
        // (and the first-order term vanishes for e.g. Bernoulli(0.5)).
        const tol = Z * st.varSe[j]! + (Z * st.se[j]!) ** 2 + 1e-6;
        expect(Math.abs(st.variance[j]! - c.refVariance[j]!)).toBeLessThanOrEqual(tol);
      }
    });
  });

  it('entropy, where defined, is finite with shape batch', () => {
    expectNoLeak(() => {
      const d = c.make();
      if (d.entropy) {
        const h = d.entropy();
        expect(h.shape).toEqual(c.batchShape);
        expect(take(h).every(Number.isFinite)).toBe(true);
      }
      release(d);
    });
  });

  it('is deterministic under the same seed and differs across seeds', () => {
    expectNoLeak(() => {
      const d = c.make();
      const a = take(d.sample(testSeed(), [50]));
      const b = take(d.sample(testSeed(), [50]));
      const s1 = new SeedStream(testSeed());
      const s2 = SeedStream.fromState(s1.state());
      const e = take(d.sample(s1, [50]));
      const f = take(d.sample(s2, [50]));
      const g = take(d.sample(testSeed() + 1, [50]));
      release(d);
      expect(b).toEqual(a);
      expect(f).toEqual(e);
      expect(g).not.toEqual(a);
    });
  });

  // With empty batch and event shapes every shape is a valid value (all dims are sample dims).
  it.skipIf(c.batchShape.length + c.eventShape.length === 0)('rejects a value whose shape does not end in [...batch, ...event]', () => {
    expectNoLeak(() => {
      const d = c.make();
      const bad = tf.zeros([...c.batchShape, ...c.eventShape.map((e) => e + 1), 7]);
      expect(() => d.logProb(bad)).toThrow(/logProb: value must have shape/);
      bad.dispose();
      release(d);
    });
  });

  it('rejects a bad sampleShape', () => {
    expectNoLeak(() => {
      const d = c.make();
      expect(() => d.sample(testSeed(), [0])).toThrow(/sampleShape must be a list of integers >= 1/);
      expect(() => d.sample(testSeed(), [2.5])).toThrow(ValidationError);
      release(d);
    });
  });
});
