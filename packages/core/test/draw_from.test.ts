import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Elbo, SeedStream, drawFrom, initBackend, tidy } from '../src';
import type { PosteriorSample, SampleOptions, SampledDistribution } from '../src';
import { TestGaussian, expectNoLeak, referenceLinearGaussian, testSeed } from '../src/testing';
import { LinearPosterior } from './fixtures';

/** q(z | x) = N(x A + c, 0.5^2 I), returned with drawFrom: z is a draw of `distribution`. */
class DrawnPosterior extends LinearPosterior {
  override sample(x: tf.Tensor2D, options: SampleOptions): PosteriorSample {
    return tidy(() => drawFrom(new TestGaussian(tf.add(tf.matMul(x, this.a), this.c), 0.5), options.seed));
  }
}

/** The misuse item 12 of issue 23 describes: a flow that transforms its base draw but hands the base on as `distribution`. */
class FlowedPosterior extends LinearPosterior {
  override sample(x: tf.Tensor2D, options: SampleOptions): PosteriorSample {
    return tidy(() => {
      const base = drawFrom(new TestGaussian(tf.add(tf.matMul(x, this.a), this.c), 0.5), options.seed);
      return { ...base, z: tf.tanh(base.z) as tf.Tensor2D };
    });
  }
}

describe('drawFrom and PosteriorSample.distribution', () => {
  beforeAll(async () => {
    await initBackend();
  });
  const model = referenceLinearGaussian();
  const batch = model.sampleDataset(8, testSeed()).batch(Int32Array.from({ length: 8 }, (_, i) => i));
  const context = { seed: new SeedStream(3), training: false, epoch: 0 };

  it('draws z from q, with logQ = log q(z) and the distribution tied to that z', () => {
    const q = new TestGaussian(tf.zeros([4, 2]), 0.5);
    const s = drawFrom(q, 7);
    expect(s.z.shape).toEqual([4, 2]);
    expect(s.distribution.q).toBe(q);
    expect(s.distribution.z).toBe(s.z);
    const expected = q.logProb(s.z);
    // Same tensors, same kernels: equal to float32 rounding.
    expect(Array.from(s.logQ.dataSync())).toEqual(Array.from(expected.dataSync()));
    tf.dispose([s.z, s.logQ, expected]);
  });

  it('the ELBO accepts a sample drawn from its distribution and rejects one whose z was transformed afterwards', () => {
    const good = new DrawnPosterior(2, 6);
    const flowed = new FlowedPosterior(2, 6);
    expectNoLeak(() => {
      const r = new Elbo().compute(model, good, batch, context);
      expect(Number.isFinite(r.bound!.dataSync()[0]!)).toBe(true);
      tf.dispose(r as unknown as tf.TensorContainer);
    });
    expect(() => new Elbo().compute(model, flowed, batch, context)).toThrow(
      /Elbo: the linear-test posterior's sample has a distribution that was drawn for another z .*must leave distribution out/,
    );
    good.dispose();
    flowed.dispose();
  });

  it('cannot be built by hand (a type error)', () => {
    const q = new TestGaussian(tf.zeros([1, 2]), 1);
    const z = tf.zeros([1, 2]) as tf.Tensor2D;
    // @ts-expect-error SampledDistribution carries a brand only drawFrom gives (the typecheck fails if this compiles).
    const handmade: SampledDistribution = { q, z };
    expect(handmade.z).toBe(z);
    tf.dispose(z);
  });
});
