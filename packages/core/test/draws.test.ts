import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Iwae, SeedStream, initBackend, sampleDraws, tileDraws } from '../src';
import type { PosteriorSample, SampleOptions } from '../src';
import { referenceLinearGaussian, testSeed } from '../src/testing';
import { LinearPosterior } from './fixtures';

/** The linear fixture with its own sampleDraws: one pass of A x + c per row, tiled; it counts the calls. */
class SharedLinearPosterior extends LinearPosterior {
  calls = { sample: 0, sampleDraws: 0 };

  override sample(x: tf.Tensor2D, options: SampleOptions): PosteriorSample {
    this.calls.sample += 1;
    return super.sample(x, options);
  }

  sampleDraws(x: tf.Tensor2D, n: number, options: SampleOptions): PosteriorSample {
    this.calls.sampleDraws += 1;
    return tf.tidy(() => {
      const loc = tileDraws(tf.add(tf.matMul(x, this.a), this.c) as tf.Tensor2D, n);
      const eps = tf.randomNormal(loc.shape, 0, 1, 'float32', options.seed.next());
      const z = tf.add(loc, tf.mul(tf.exp(this.logScale), eps)) as tf.Tensor2D;
      const logQ = tf.sub(tf.mul(-0.5, tf.sum(tf.square(eps), 1)), tf.add(tf.sum(this.logScale), 0.5 * this.latentSize * Math.log(2 * Math.PI))) as tf.Tensor1D;
      return { z, logQ };
    });
  }
}

describe('n draws per row (sampleDraws, tileDraws)', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('tileDraws lays the draws out draw-major: row i * batch + j is row j; n = 1 is the tensor itself', () => {
    tf.tidy(() => {
      expect(tileDraws(tf.tensor2d([[1, 2], [3, 4]]), 3).arraySync()).toEqual([[1, 2], [3, 4], [1, 2], [3, 4], [1, 2], [3, 4]]);
      expect(tileDraws(tf.tensor1d([5, 6], 'int32'), 2).arraySync()).toEqual([5, 6, 5, 6]);
      const one = tf.tensor2d([[1, 2]]);
      expect(tileDraws(one, 1), 'one draw per row: the tensor itself').toBe(one);
    });
  });

  it("uses the family's sampleDraws where it has one, else sample on x tiled n times, with the same draws", () => {
    const model = referenceLinearGaussian();
    const plain = new LinearPosterior(model.latentSize, model.dataSize, 3);
    const shared = new SharedLinearPosterior(model.latentSize, model.dataSize, 3);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const { x } = model.sampleDataset(4, testSeed()).batch(Int32Array.from([0, 1, 2, 3]));
      const a = sampleDraws(plain, x, 5, { seed: new SeedStream(11), training: false });
      const b = sampleDraws(shared, x, 5, { seed: new SeedStream(11), training: false });
      expect(shared.calls).toEqual({ sample: 0, sampleDraws: 1 });
      expect(a.z.shape).toEqual([20, model.latentSize]);
      expect(tf.max(tf.abs(tf.sub(a.z, b.z))).dataSync()[0]).toBeLessThan(1e-5);
      expect(tf.max(tf.abs(tf.sub(a.logQ, b.logQ))).dataSync()[0]).toBeLessThan(1e-4);
    });
    expect(tf.memory().numTensors).toBe(before);
    plain.dispose();
    shared.dispose();
  });

  it('the IWAE draws through sampleDraws, and its bound is the tiled one (k = 6, chunks of 4 and 2)', () => {
    const model = referenceLinearGaussian();
    const plain = new LinearPosterior(model.latentSize, model.dataSize, 3);
    const shared = new SharedLinearPosterior(model.latentSize, model.dataSize, 3);
    tf.tidy(() => {
      const batch = model.sampleDataset(8, testSeed()).batch(Int32Array.from({ length: 8 }, (_, i) => i));
      const iwae = new Iwae({ k: 6, chunk: 4 });
      const bound = (q: LinearPosterior) => iwae.compute(model, q, batch, { seed: new SeedStream(5), training: false, epoch: 0 }).terms['bound']!.dataSync()[0]!;
      const tiled = bound(plain);
      expect(bound(shared)).toBeCloseTo(tiled, 4);
      expect(shared.calls).toEqual({ sample: 0, sampleDraws: 2 });
    });
    plain.dispose();
    shared.dispose();
  });
});
