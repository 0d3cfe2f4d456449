import * as tf from '@tensorflow/tfjs-core';
import { Adam, SeedStream } from '@ddvi/core';
import { createPrior } from '@ddvi/distributions';
import { Chain, FlowDistribution, MAFStep, Permute } from '../src';
import type { Bijector } from '../src';

/**
 * The 2-D maximum-likelihood fit shared by the test and scripts/plot-density.ts: an
 * unconditional MAF (density direction = one MADE pass per step) fitted to pinwheel samples.
 */
export const FIT = { steps: 800, batch: 256, learningRate: 1e-2, fineTuneFrom: 500, fineTuneRate: 2e-3, layers: 4, hidden: [64, 64], nTrain: 8192, nTest: 4096 };

export function makeMaf2D(seed: number, layers = FIT.layers, hidden = FIT.hidden): FlowDistribution {
  const root = new SeedStream(seed);
  const steps: Bijector[] = [];
  for (let i = 0; i < layers; i++) {
    if (i > 0) steps.push(Permute.reverse(2, `reverse${i}`));
    steps.push(new MAFStep({ size: 2, hidden, scaleBound: 3, seed: root.fork(`step${i}`).next(), name: `step${i}` }));
  }
  return new FlowDistribution(new Chain(steps, 'maf2d'));
}

/** Pinwheel train and held-out samples (the prior's own sampler) and its exact log-density. */
export function pinwheelData(seed: number): { train: tf.Tensor2D; test: tf.Tensor2D; exactTestLogLik: number } {
  const prior = createPrior('pinwheel');
  const train = prior.sample(seed, [FIT.nTrain]) as tf.Tensor2D;
  const test = prior.sample(seed + 1, [FIT.nTest]) as tf.Tensor2D;
  const exactTestLogLik = tf.tidy(() => tf.mean(prior.logProb(test)).dataSync()[0]!);
  return { train, test, exactTestLogLik };
}

/** Adam on the mean negative log-likelihood of random minibatches; returns the loss every 100 steps. */
export async function fitByMaximumLikelihood(flow: FlowDistribution, train: tf.Tensor2D, seed: number, steps = FIT.steps): Promise<number[]> {
  const vars = flow.namedVariables();
  const names = Object.keys(vars);
  // Two constant rates (a fresh Adam for the second): the large one finds the arms quickly, the
  // small one stops the noisy bouncing that a single large rate ends with.
  let adam = new Adam({ learningRate: FIT.learningRate });
  const stream = new SeedStream(seed);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    if (step === FIT.fineTuneFrom) {
      adam.dispose();
      adam = new Adam({ learningRate: FIT.fineTuneRate });
    }
    const loss = tf.tidy(() => {
      const idx = tf.randomUniform([FIT.batch], 0, train.shape[0], 'int32', stream.next());
      const batch = tf.gather(train, idx) as tf.Tensor2D;
      const { value, grads } = tf.variableGrads(() => tf.neg(tf.mean(flow.logProb(batch))) as tf.Scalar, names.map((k) => vars[k]!));
      const byName = Object.fromEntries(names.map((k) => [k, grads[vars[k]!.name]!]));
      adam.apply(vars, byName);
      return value;
    });
    if (step % 100 === 99) {
      losses.push(loss.dataSync()[0]!);
      // Yield so the test runner's worker can answer its heartbeats during a long synchronous fit.
      await new Promise((resolve) => setImmediate(resolve));
    }
    loss.dispose();
  }
  adam.dispose();
  return losses;
}

export function meanLogLik(flow: FlowDistribution, x: tf.Tensor2D): number {
  return tf.tidy(() => tf.mean(flow.logProb(x)).dataSync()[0]!);
}

/** Held-out log-likelihood of the maximum-likelihood full-covariance Gaussian fitted to train. */
export function gaussianBaselineLogLik(train: tf.Tensor2D, test: tf.Tensor2D): number {
  const t = train.arraySync();
  const n = t.length;
  const mean = [0, 1].map((j) => t.reduce((s, r) => s + r[j]!, 0) / n);
  const cov = [0, 1].map((a) => [0, 1].map((b) => t.reduce((s, r) => s + (r[a]! - mean[a]!) * (r[b]! - mean[b]!), 0) / n));
  const det = cov[0]![0]! * cov[1]![1]! - cov[0]![1]! * cov[1]![0]!;
  const inv = [
    [cov[1]![1]! / det, -cov[0]![1]! / det],
    [-cov[1]![0]! / det, cov[0]![0]! / det],
  ];
  const rows = test.arraySync();
  const ll = rows.map((r) => {
    const d0 = r[0]! - mean[0]!;
    const d1 = r[1]! - mean[1]!;
    const m = d0 * (inv[0]![0]! * d0 + inv[0]![1]! * d1) + d1 * (inv[1]![0]! * d0 + inv[1]![1]! * d1);
    return -0.5 * m - Math.log(2 * Math.PI) - 0.5 * Math.log(det);
  });
  return ll.reduce((a, b) => a + b, 0) / ll.length;
}
