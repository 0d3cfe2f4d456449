import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { SeedStream, createPosterior } from '@ddvi/core';
import type { AmortizedFlowPosterior, EncoderConfig } from '../src';
import { AffineCoupling, Chain, FlowDistribution, HIAFPosterior, MAFStep, Permute, standardNormalLogProb } from '../src';
import { maxAbsDiff } from './jacobian';

const config = { hidden: [16], dropout: 0, flowHidden: [8], contextSize: 3 };

describe('logQ is the exact log-density of the sample', () => {
  // RealNVP and MAF have one-pass inverses: map z back through the flow and the base Gaussian,
  // a different code path from the one that produced logQ, and compare.
  it.each(['realnvp', 'maf'])('%s: logQ equals the change-of-variables density computed through the inverse', (family) => {
    const q = createPosterior(family, { latentSize: 3, dataSize: 5, seed: 2, config }) as unknown as AmortizedFlowPosterior<EncoderConfig>;
    tf.tidy(() => {
      const x = tf.randomUniform([10, 5], 0, 1, 'float32', 3) as tf.Tensor2D;
      const s = q.sample(x, { seed: new SeedStream(4), training: false });
      const { mu, sigma, h } = q.encoder.apply(x, { seed: new SeedStream(0), training: false });
      const { x: z0, logDetJ } = q.flow.inverse(s.z, h);
      const eps = tf.div(tf.sub(z0, mu), sigma) as tf.Tensor2D;
      const logBase = tf.sub(standardNormalLogProb(eps), tf.sum(tf.log(sigma), 1));
      const independent = tf.add(logBase, logDetJ);
      expect(maxAbsDiff(s.logQ.dataSync(), independent.dataSync())).toBeLessThan(1e-4);
    });
    q.dispose();
  });

  it('iaf: with zero steps the family is the Gaussian base, and logQ its Gaussian log-density', () => {
    // One IAF step whose gate is pushed to 1 (gateBias 30) is the identity to float precision.
    const q = createPosterior('iaf', { latentSize: 2, dataSize: 5, seed: 2, config: { ...config, layers: 1, gateBias: 30 } }) as unknown as AmortizedFlowPosterior<EncoderConfig>;
    tf.tidy(() => {
      const x = tf.randomUniform([10, 5], 0, 1, 'float32', 3) as tf.Tensor2D;
      const s = q.sample(x, { seed: new SeedStream(4), training: false });
      const { mu, sigma } = q.encoder.apply(x, { seed: new SeedStream(0), training: false });
      const eps = tf.div(tf.sub(s.z, mu), sigma) as tf.Tensor2D;
      const gaussian = tf.sub(standardNormalLogProb(eps), tf.sum(tf.log(sigma), 1));
      expect(maxAbsDiff(s.logQ.dataSync(), gaussian.dataSync())).toBeLessThan(1e-4);
    });
    q.dispose();
  });

  it('FlowDistribution: the density of a sample is the same through forward (sampling) and inverse (density)', () => {
    // MAF samples take d sequential passes; a wrong pass count or log-scale would break the match.
    const flow = new FlowDistribution(
      new Chain([
        new MAFStep({ size: 4, hidden: [16], contextSize: 2, ordering: 'random', seed: 1 }),
        Permute.reverse(4),
        new AffineCoupling({ size: 4, mask: [1, 0, 1, 0], hidden: [16], contextSize: 2, seed: 2 }),
        new MAFStep({ size: 4, hidden: [16], contextSize: 2, seed: 3 }),
      ]),
    );
    tf.tidy(() => {
      const ctx = tf.randomNormal([12, 2], 0, 1, 'float32', 8) as tf.Tensor2D;
      const { y, logProb } = flow.sampleAndLogProb(12, 5, ctx);
      expect(maxAbsDiff(logProb.dataSync(), flow.logProb(y, ctx).dataSync())).toBeLessThan(1e-4);
    });
    flow.dispose();
  });

  it('hiaf: logQ = log q(z1|x) + log q(z2|x,z1) - log r(z1|z2,x), reported term by term', () => {
    for (const reverse of ['prior', 'learned'] as const) {
      const q = new HIAFPosterior(2, 5, 1, { ...config, level2Features: 8, level2Hidden: [8], reverse, reverseHidden: [8] });
      tf.tidy(() => {
        const x = tf.randomUniform([6, 5], 0, 1, 'float32', 3) as tf.Tensor2D;
        const s = q.sample(x, { seed: new SeedStream(4), training: false });
        const { logQ1, logQ2, logR } = s.diagnostics!;
        expect(maxAbsDiff(s.logQ.dataSync(), tf.sub(tf.add(logQ1!, logQ2!), logR!).dataSync())).toBeLessThan(1e-4);
        // logR is a normalized log-density of a 2-D z1: at most log N(0; 0, I) = -log(2 pi) under 'prior'.
        if (reverse === 'prior') expect(Math.max(...logR!.dataSync())).toBeLessThanOrEqual(-Math.log(2 * Math.PI) + 1e-6);
      });
      expect(Object.keys(q.namedVariables()).some((k) => k.startsWith('reverse.'))).toBe(reverse === 'learned');
      q.dispose();
    }
  });
});
