/**
 * The clustering prior with learned means (closed form vs float64, its regularizer vs a direct
 * computation, gradients vs finite differences) and the per-row labelled prior of semi-supervised
 * batches (class parts for labelled rows, the mixture for unlabelled ones).
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, ValidationError } from '@ddvi/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPrior, isLearnablePrior, LabelledPrior, LearnedMixture, Pinwheel, Square } from '../src/priors';
import { expectNoLeak, LOG_2PI, lse, take } from './priors_helpers';

beforeAll(async () => {
  await initBackend();
});

function mixtureLp(x: number, y: number, means: number[][], std: number): number {
  return lse(means.map(([mx, my]) => -0.5 * ((x - mx!) ** 2 + (y - my!) ** 2) / (std * std) - LOG_2PI - 2 * Math.log(std))) - Math.log(means.length);
}

function rowsOf(t: tf.Tensor): number[][] {
  return t.arraySync() as number[][];
}

describe('LearnedMixture', () => {
  it('is learnable, seeded, and its density is the closed-form mixture of its current means (tolerance 1e-4 nats)', () => {
    const p = new LearnedMixture({ components: 5, std: 0.3, seed: 3 });
    try {
      expect(isLearnablePrior(p)).toBe(true);
      expect(isLearnablePrior(new Pinwheel())).toBe(false);
      const q = new LearnedMixture({ components: 5, std: 0.3, seed: 3 });
      expect(rowsOf(q.means)).toEqual(rowsOf(p.means));
      q.dispose();
      const init = rowsOf(p.means).flat();
      init.forEach((v) => expect(v >= 0 && v < 0.1).toBe(true)); // the reference's U[0, 0.1)
      // Move the means somewhere recognisable, as training would.
      const means = [[-1, 0], [1, 0.5], [0, 1.5], [0.3, -1], [2, 2]];
      p.means.assign(tf.tensor2d(means));
      const pts = [[0, 0], [1, 0.4], [-2, 1], [0.31, -0.99], [5, 5]];
      const lp = take(p.logProb(tf.tensor2d(pts)));
      pts.forEach(([x, y], i) => expect(lp[i]!).toBeCloseTo(mixtureLp(x!, y!, means, 0.3), 4));
      // Class part c is N(W_c, std^2 I), and shares the variable.
      const part = p.conditional(2);
      const lp2 = take(part.logProb(tf.tensor2d(pts)));
      pts.forEach(([x, y], i) => expect(lp2[i]!).toBeCloseTo(mixtureLp(x!, y!, [means[2]!], 0.3), 4));
      p.means.assign(tf.tensor2d(means.map(([a, b]) => [a! + 1, b!])));
      expect(take(part.mean())).toEqual([1, 1.5]);
    } finally {
      p.dispose();
    }
  });

  it('samples around the class means with the stated std (moments within 4 standard errors)', () => {
    const p = new LearnedMixture({ components: 2, std: 0.2, seed: 1 });
    try {
      p.means.assign(tf.tensor2d([[-1, 0], [1, 0]]));
      const { z, label } = p.sampleWithClass(7, 4000);
      const zs = rowsOf(z);
      const ls = take(label);
      for (const c of [0, 1]) {
        const rows = zs.filter((_, i) => ls[i] === c);
        const mx = rows.reduce((a, r) => a + r[0]!, 0) / rows.length;
        const vx = rows.reduce((a, r) => a + (r[0]! - mx) ** 2, 0) / rows.length;
        expect(Math.abs(mx - (c === 0 ? -1 : 1))).toBeLessThan(4 * 0.2 / Math.sqrt(rows.length));
        expect(Math.abs(Math.sqrt(vx) - 0.2)).toBeLessThan(0.02);
      }
      tf.dispose([z, label]);
    } finally {
      p.dispose();
    }
  });

  it('regularizer: hinge over all distinct pairs plus the box penalty, and its gradient separates close means', () => {
    const p = new LearnedMixture({ components: 3, margin: 1.5, box: 2.5, boxWeight: 100 });
    try {
      const w = [[0, 0], [0.5, 0], [3, 0]];
      p.means.assign(tf.tensor2d(w));
      // Pairs: d01 = 0.5 -> 1.0, d02 = 3 -> 0, d12 = 2.5 -> 0; mean over the 6 ordered pairs = 2/6.
      // Box: only 3 > 2.5 by 0.5, mean over 6 entries = 0.5/6, times 100.
      const expected = 2 / 6 + (100 * 0.5) / 6;
      expect(take(p.regularizer())[0]!).toBeCloseTo(expected, 4);
      const g = tf.grad(() => p.regularizer())(p.means);
      const gw = rowsOf(g);
      expect(gw[0]![0]!).toBeGreaterThan(0); // descending pushes mean 0 left ...
      expect(gw[1]![0]!).toBeLessThan(0); // ... and mean 1 right
      expect(gw[2]![0]!).toBeGreaterThan(0); // mean 2 back inside the box
      g.dispose();
    } finally {
      p.dispose();
    }
  });

  it('is in the registry and rejects bad options by name', () => {
    const p = createPrior('learned_mixture');
    expect(p).toBeInstanceOf(LearnedMixture);
    expect(p.numClasses).toBe(20);
    p.dispose();
    expect(() => new LearnedMixture({ std: 0 })).toThrow(/std/);
    expect(() => new LearnedMixture({ components: 1.5 })).toThrow(/components/);
    expect(() => new LearnedMixture({ clusters: 3 } as never)).toThrow(/unknown option "clusters"/);
  });
});

describe('LabelledPrior', () => {
  it('scores labelled rows under their class part and unlabelled rows under the mixture', () => {
    {
      const base = new Pinwheel();
      const pts = tf.tidy(() => base.sample(11, [6]) as tf.Tensor2D);
      const labels = tf.tensor1d([0, 3, 10, 9, -1, 3], 'int32');
      const lp = take(new LabelledPrior(base, labels).logProb(pts));
      const whole = take(base.logProb(pts));
      const part = (c: number, i: number) => tf.tidy(() => take(base.conditional(c).logProb(tf.slice(pts, [i, 0], [1, 2])))[0]!);
      expect(lp[0]!).toBeCloseTo(part(0, 0), 4);
      expect(lp[1]!).toBeCloseTo(part(3, 1), 4);
      expect(lp[2]!).toBeCloseTo(whole[2]!, 4); // label K = 10: unlabelled
      expect(lp[3]!).toBeCloseTo(part(9, 3), 4);
      expect(lp[4]!).toBeCloseTo(whole[4]!, 4); // -1: unlabelled
      expect(lp[5]!).toBeCloseTo(part(3, 5), 4);
      // The mixture is the average of its parts: log p(z) = lse_c log p(z | c) - log K.
      const parts = Array.from({ length: 10 }, (_, c) => part(c, 2));
      expect(whole[2]!).toBeCloseTo(lse(parts) - Math.log(10), 4);
      expectNoLeak(() => void take(new LabelledPrior(base, labels).logProb(pts)));
      tf.dispose([pts, labels]);
    }
  });

  it('stays finite for unlabelled rows where some class parts are -inf, and its gradient is finite', () => {
    const base = new Square();
    const z = tf.tensor2d([[-1, 1.02], [0.95, -0.2]]);
    const labels = tf.tensor1d([10, 10], 'int32');
    const prior = new LabelledPrior(base, labels);
    const lp = take(prior.logProb(z));
    lp.forEach((v) => expect(Number.isFinite(v)).toBe(true));
    const g = take(tf.grad((x: tf.Tensor) => tf.sum(prior.logProb(x)))(z));
    g.forEach((v) => expect(Number.isFinite(v)).toBe(true));
    tf.dispose([z, labels]);
  });

  it('samples each row from its class part (labelled) or the mixture (unlabelled)', () => {
    const base = new LearnedMixture({ components: 3, std: 0.05 });
    try {
      base.means.assign(tf.tensor2d([[-2, 0], [0, 2], [2, 0]]));
      const labels = tf.tensor1d([2, 0, 3], 'int32');
      const s = rowsOf(tf.reshape(new LabelledPrior(base, labels).sample(5, [200]), [600, 2]));
      const rows = (r: number) => s.filter((_, i) => i % 3 === r);
      rows(0).forEach(([x]) => expect(x!).toBeGreaterThan(1.5));
      rows(1).forEach(([x]) => expect(x!).toBeLessThan(-1.5));
      const third = rows(2);
      expect(third.some(([x]) => x! > 1.5)).toBe(true);
      expect(third.some(([x]) => x! < -1.5)).toBe(true);
      labels.dispose();
    } finally {
      base.dispose();
    }
  });

  it('rejects labels of the wrong rank or dtype and values of the wrong shape', () => {
    const base = new Pinwheel();
    expect(() => new LabelledPrior(base, tf.tensor2d([[1]], [1, 1], 'int32') as never)).toThrow(ValidationError);
    expect(() => new LabelledPrior(base, tf.tensor1d([1.5]) as never)).toThrow(/int32/);
    const p = new LabelledPrior(base, tf.tensor1d([1, 2], 'int32'));
    expect(() => p.logProb(tf.zeros([3, 2]))).toThrow(/got \[3, 2\]/);
  });
});
