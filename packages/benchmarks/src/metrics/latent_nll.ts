import * as tf from '@tensorflow/tfjs-core';
import { checkPositiveInt, type Distribution, type SeedLike } from '@ddvi/core';
import { KdePrior, REFERENCE_KDE_BANDWIDTHS } from '@ddvi/distributions';
import { mustBe } from '../datasets/validate';
import { toPoints, type PointsInput } from './points';

/** Kernel entries (samples x latents) scored per chunk: ~8 MB per float32 tensor. */
const CHUNK_ENTRIES = 2_000_000;

export interface LatentNllOptions {
  /** The (test) latents whose aggregate posterior is scored, [n, 2] (spec §10.2: the 10k test latents). */
  latents: PointsInput;
  /** The prior to draw the scoring samples from (event shape [2]); or give `priorSamples`. */
  prior?: Distribution;
  /** Ready-made prior samples, [m, 2], instead of `prior`. */
  priorSamples?: PointsInput;
  /** Number of prior samples drawn from `prior` (default 10,000, as the reference). */
  samples?: number;
  /** Seed of those draws (default 0). */
  seed?: SeedLike;
  /** KDE bandwidths H, averaged with equal weights (default {0.005, 0.008, 0.01, 0.03, 0.05}; decision D7). */
  bandwidths?: readonly number[];
}

/**
 * Latent NLL, E_p[-log q̂] (spec §10.2, the reference's `fit_and_score(latents, prior_samples)`):
 * Gaussian KDEs with each bandwidth h in H are fit on the latents, every prior sample z is scored
 * by log q̂(z) = logsumexp_h log KDE_h(z) - log |H|, and the result is -mean(log q̂). Lower is
 * better: the aggregate posterior covers the prior. In nats.
 *
 * The KDE is `KdePrior` from @ddvi/distributions with the latents as its points and no clamp
 * (sklearn's `KernelDensity.score_samples` clamps nothing).
 */
export function latentNll(options: LatentNllOptions): number {
  const where = 'latentNll';
  const latents = toPoints(where, 'latents', options.latents);
  if (latents.dim !== 2) mustBe(where, 'latents', 'of shape [n, 2] (the KDE is 2-D, as the paper\'s latents)', `dimension ${latents.dim}`);
  if ((options.prior === undefined) === (options.priorSamples === undefined)) {
    mustBe(where, 'prior / priorSamples', 'exactly one of them', options.prior === undefined ? 'neither' : 'both');
  }
  let samples: tf.Tensor2D;
  if (options.prior !== undefined) {
    const m = checkPositiveInt(where, 'samples', options.samples ?? 10_000);
    const prior = options.prior;
    samples = tf.tidy(() => tf.reshape(prior.sample(options.seed ?? 0, [m]), [m, -1]) as tf.Tensor2D);
    if (samples.shape[1] !== 2) {
      samples.dispose();
      mustBe(where, 'prior', 'a distribution with event shape [2]', `samples of dimension ${samples.shape[1]}`);
    }
  } else {
    const p = toPoints(where, 'priorSamples', options.priorSamples!);
    if (p.dim !== 2) mustBe(where, 'priorSamples', 'of shape [m, 2]', `dimension ${p.dim}`);
    samples = tf.tensor2d(Float32Array.from(p.data), [p.n, 2]);
  }
  const points = tf.tensor2d(Float32Array.from(latents.data), [latents.n, 2]);
  let kde: KdePrior | null = null;
  try {
    kde = new KdePrior(points, { bandwidths: options.bandwidths ?? REFERENCE_KDE_BANDWIDTHS, clamp: null });
    // Score the samples in chunks, each in its own tidy, summing on the host in float64: memory
    // stays bounded by one chunk and the mean of 10k log-densities keeps its digits.
    const m = samples.shape[0];
    const rows = Math.max(1, Math.floor(CHUNK_ENTRIES / latents.n));
    let total = 0;
    for (let start = 0; start < m; start += rows) {
      const size = Math.min(rows, m - start);
      const sum = tf.tidy(() => tf.sum(kde!.logProb(tf.slice(samples, [start, 0], [size, 2]))));
      total += sum.dataSync()[0]!;
      sum.dispose();
    }
    return -total / m;
  } finally {
    kde?.dispose();
    points.dispose();
    samples.dispose();
  }
}
