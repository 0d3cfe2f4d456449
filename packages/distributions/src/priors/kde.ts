import * as tf from '@tensorflow/tfjs-core';
import { checkShape, invalid } from '@ddvi/core';
import type { Distribution, SeedLike, SeedStream } from '@ddvi/core';
import { DistributionBase } from '../distribution';
import { checkOptionKeys, positiveInt } from './prior';
import { mapRowChunks, pairwiseSquaredDistance } from './tf_math';

/** The reference's bandwidths (BasePrior.evaluate; decision D7's default). */
export const REFERENCE_KDE_BANDWIDTHS: readonly number[] = [0.005, 0.008, 0.01, 0.03, 0.05];

export interface KdeOptions {
  /** Number of prior samples drawn once and cached (default 10,000, as the reference). */
  samples?: number;
  /** Gaussian kernel bandwidths h, averaged with equal weights (default {0.005, 0.008, 0.01, 0.03, 0.05}). */
  bandwidths?: readonly number[];
  /** Seed of the cached samples (default 0). */
  seed?: SeedLike;
  /** Clamp of each log KDE_h before averaging, [-1000, 1000] as the reference; null for none. */
  clamp?: readonly [number, number] | null;
}

const KEYS = ['samples', 'bandwidths', 'seed', 'clamp'] as const;

/**
 * The reference's kernel density estimate of a prior (BasePrior.evaluate, spec §9.6), kept for
 * parity. It is NOT the prior's density (decision D10): a bound computed with it is not a bound
 * on the model's evidence; use the prior's own `logProb` for that.
 *
 * log p(z) = logSumExp_h clamp(log KDE_h(z)) - log |H|, with
 * log KDE_h(z) = logSumExp_i(-|z - s_i|^2 / (2 h^2)) - log(2 pi) - 2 log h - log N over N cached
 * samples s_i. Differentiable in z. Without the clamp this is the density of the mixture that
 * `sample` draws from (a cached point plus N(0, h^2 I) noise, h uniform over the bandwidths).
 * The per-class variant of the reference (evaluate_partition) is
 * `new KdePrior(prior.conditional(c), { samples: 2000, bandwidths: [0.05], clamp: [-300, 300] })`.
 *
 * Owns its cached samples: call dispose() when done.
 */
export class KdePrior extends DistributionBase {
  readonly name = 'KdePrior';
  readonly reparameterized = false;
  readonly bandwidths: readonly number[];
  readonly clamp: readonly [number, number] | null;
  /** The cached points, [N, 2]. */
  readonly points: tf.Tensor2D;

  /**
   * @param source a distribution with event shape [2] (its samples are drawn once, `samples` of
   *   them with `seed`) or the points themselves, a [N, 2] tensor (copied; e.g. latents for the §10.2
   *   metric, where `samples` and `seed` do not apply).
   */
  constructor(source: Distribution | tf.Tensor2D, options: KdeOptions = {}) {
    checkOptionKeys('KdePrior', options, KEYS);
    const bandwidths = checkBandwidths(options.bandwidths ?? REFERENCE_KDE_BANDWIDTHS);
    const clamp = checkClamp(options.clamp === undefined ? [-1000, 1000] : options.clamp);
    let points: tf.Tensor2D;
    if (source instanceof tf.Tensor) {
      checkShape('KdePrior', 'points', source.shape, [null, 2]);
      points = tf.clone(source);
    } else {
      const n = positiveInt('KdePrior', 'samples', options.samples, 10_000);
      points = tf.tidy(() => tf.reshape(source.sample(options.seed ?? 0, [n]), [n, -1])) as tf.Tensor2D;
      if (points.shape[1] !== 2) {
        points.dispose();
        checkShape('KdePrior', 'prior samples', [n, points.shape[1]], [n, 2]);
      }
    }
    super([], [2]);
    this.points = points;
    this.own(points);
    this.bandwidths = bandwidths;
    this.clamp = clamp;
  }

  mean(): tf.Tensor {
    return tf.mean(this.points, 0);
  }

  protected sampleImpl(seed: SeedStream, sampleShape: number[]): tf.Tensor {
    const n = sampleShape.reduce((a, b) => a * b, 1);
    const N = this.points.shape[0];
    const H = this.bandwidths.length;
    const i = tf.clipByValue(tf.cast(tf.floor(tf.randomUniform([n], 0, N, 'float32', seed.next())), 'int32'), 0, N - 1);
    const h = tf.clipByValue(tf.cast(tf.floor(tf.randomUniform([n], 0, H, 'float32', seed.next())), 'int32'), 0, H - 1);
    const hs = tf.gather(tf.tensor1d([...this.bandwidths]), h);
    const noise = tf.mul(tf.randomNormal([n, 2], 0, 1, 'float32', seed.next()), tf.expandDims(hs, 1));
    return tf.reshape(tf.add(tf.gather(this.points, i), noise), [...sampleShape, 2]);
  }

  protected logProbImpl(value: tf.Tensor): tf.Tensor {
    const flat = tf.reshape(value, [-1, 2]) as tf.Tensor2D;
    const N = this.points.shape[0];
    const rows = Math.max(1, Math.floor(2_000_000 / N));
    const out = mapRowChunks(flat, rows, (zc) => {
      const sq = pairwiseSquaredDistance(zc, this.points); // [m, N]
      const perH = this.bandwidths.map((h) => {
        const l = tf.sub(tf.logSumExp(tf.mul(sq, -0.5 / (h * h)), 1), Math.log(2 * Math.PI) + 2 * Math.log(h) + Math.log(N));
        return this.clamp ? tf.clipByValue(l, this.clamp[0], this.clamp[1]) : l;
      });
      return tf.sub(tf.logSumExp(tf.stack(perH, 1), 1), Math.log(this.bandwidths.length)) as tf.Tensor1D;
    });
    return tf.reshape(out, value.shape.slice(0, -1));
  }
}

/**
 * One-shot KDE log-density of `prior` at z (builds a KdePrior, evaluates, frees it). NOT the
 * prior's density; see KdePrior. Build a KdePrior once instead when evaluating repeatedly.
 */
export function kdeLogProb(prior: Distribution, z: tf.Tensor, options: KdeOptions = {}): tf.Tensor {
  const kde = new KdePrior(prior, options);
  try {
    return kde.logProb(z);
  } finally {
    kde.dispose();
  }
}

function checkBandwidths(h: readonly number[]): readonly number[] {
  if (!Array.isArray(h) || h.length === 0 || !h.every((x) => typeof x === 'number' && Number.isFinite(x) && x > 0)) {
    invalid('KdePrior', 'bandwidths', 'a non-empty list of finite numbers > 0', h);
  }
  return [...h];
}

function checkClamp(c: readonly [number, number] | null): readonly [number, number] | null {
  if (c === null) return null;
  if (!Array.isArray(c) || c.length !== 2 || !(c[0] < c[1])) invalid('KdePrior', 'clamp', 'null or [low, high] with low < high', c);
  return [c[0], c[1]];
}
