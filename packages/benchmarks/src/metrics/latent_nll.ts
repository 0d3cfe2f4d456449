import * as tf from '@tensorflow/tfjs-core';
import { checkPositiveInt, type Distribution, type SeedLike } from '@ddvi/core';
import { REFERENCE_KDE_BANDWIDTHS } from '@ddvi/distributions';
import { mustBe } from '../datasets/validate';
import { kdeLogDensity } from './kde_log_density';
import { toPoints, type Points, type PointsInput } from './points';

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
 * The KDE is the density of `KdePrior` (@ddvi/distributions) with the latents as its points and no
 * clamp (sklearn's `KernelDensity.score_samples` clamps nothing), computed on the host in float64
 * over the latents near each sample (`kdeLogDensity`; terms 40 nats below a sample's largest left out).
 */
export function latentNll(options: LatentNllOptions): number {
  const where = 'latentNll';
  const latents = toPoints(where, 'latents', options.latents);
  if (latents.dim !== 2) mustBe(where, 'latents', 'of shape [n, 2] (the KDE is 2-D, as the paper\'s latents)', `dimension ${latents.dim}`);
  if ((options.prior === undefined) === (options.priorSamples === undefined)) {
    mustBe(where, 'prior / priorSamples', 'exactly one of them', options.prior === undefined ? 'neither' : 'both');
  }
  let samples: Points;
  if (options.prior !== undefined) {
    const m = checkPositiveInt(where, 'samples', options.samples ?? 10_000);
    const prior = options.prior;
    const drawn = tf.tidy(() => tf.reshape(prior.sample(options.seed ?? 0, [m]), [m, -1]) as tf.Tensor2D);
    try {
      if (drawn.shape[1] !== 2) mustBe(where, 'prior', 'a distribution with event shape [2]', `samples of dimension ${drawn.shape[1]}`);
      samples = toPoints(where, 'prior samples', drawn);
    } finally {
      drawn.dispose();
    }
  } else {
    samples = toPoints(where, 'priorSamples', options.priorSamples!);
    if (samples.dim !== 2) mustBe(where, 'priorSamples', 'of shape [m, 2]', `dimension ${samples.dim}`);
  }
  const bandwidths = checkBandwidths(options.bandwidths ?? REFERENCE_KDE_BANDWIDTHS);
  // Summed in float64: the mean of 10k log-densities keeps its digits.
  const logQ = kdeLogDensity(latents, samples, bandwidths);
  let total = 0;
  for (const v of logQ) total += v;
  return -total / samples.n;
}

function checkBandwidths(h: readonly number[]): readonly number[] {
  if (!Array.isArray(h) || h.length === 0 || !h.every((x) => typeof x === 'number' && Number.isFinite(x) && x > 0)) {
    mustBe('latentNll', 'bandwidths', 'a non-empty list of finite numbers > 0', JSON.stringify(h));
  }
  return h;
}
