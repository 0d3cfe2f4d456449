import * as tf from '@tensorflow/tfjs-core';
import { checkPositive, checkPositiveInt } from '@ddvi/core';
import { mustBe } from '../datasets/validate';
import { toPoints, type PointsInput } from './points';

/** The reference's kernel scales (spec §10.3); each plays the role of a variance. */
export const REFERENCE_MMD_SIGMAS: readonly number[] = [2, 5, 10, 20, 40, 80];

export interface MmdOptions {
  /** First sample, [n, D] (spec §10.3: decoder outputs P(z) for z ~ prior, flattened). */
  x: PointsInput;
  /** Second sample, [m, D] (spec §10.3: test images, flattened). */
  y: PointsInput;
  /** Kernel scales: k(a, b) = sum_s exp(-|a - b|^2 / (2 s)) (default {2, 5, 10, 20, 40, 80}). */
  sigmas?: readonly number[];
  /** At most this many kernel entries are held at once (default 4,000,000, ~16 MB per tensor). */
  chunkEntries?: number;
}

/**
 * Maximum mean discrepancy, biased V-statistic (spec §10.3, the reference's MMD):
 * MMD = sqrt(mean k(x, x') + mean k(y, y') - 2 mean k(x, y)), with all pairs (diagonals
 * included) and the multi-scale Gaussian kernel above. 0 for identical samples (exactly: the
 * three means are computed by the same code, so identical inputs give identical sums).
 *
 * Computed on tfjs (the 10k x 10k x 784 Gram products are matrix multiplications) in row chunks,
 * each chunk's kernel row sums accumulated in float64 on the host, so memory stays at a few chunk
 * tensors. Distances use |a|^2 + |b|^2 - 2 a.b on data centred on the pooled mean (which keeps
 * the norms, and so float32 cancellation, small), clamped at 0.
 */
export function mmd(options: MmdOptions): number {
  const where = 'mmd';
  const sigmas = options.sigmas ?? REFERENCE_MMD_SIGMAS;
  if (!Array.isArray(sigmas) || sigmas.length === 0) mustBe(where, 'sigmas', 'a non-empty list of numbers > 0', String(sigmas));
  sigmas.forEach((s) => checkPositive(where, 'sigmas', s));
  const chunkEntries = checkPositiveInt(where, 'chunkEntries', options.chunkEntries ?? 4_000_000);
  const [x, y] = centredPair(where, options.x, options.y);
  try {
    const kxx = kernelMean(x, x, sigmas, chunkEntries);
    const kyy = kernelMean(y, y, sigmas, chunkEntries);
    const kxy = kernelMean(x, y, sigmas, chunkEntries);
    return Math.sqrt(Math.max(0, kxx + kyy - 2 * kxy));
  } finally {
    x.dispose();
    y.dispose();
  }
}

/** Both samples as float32 tensors, centred on the mean of the pooled sample. */
function centredPair(where: string, xIn: PointsInput, yIn: PointsInput): [tf.Tensor2D, tf.Tensor2D] {
  const x = toTensor(where, 'x', xIn);
  const y = toTensor(where, 'y', yIn);
  if (x.shape[1] !== y.shape[1]) {
    x.dispose();
    y.dispose();
    mustBe(where, 'y', `points of dimension ${x.shape[1]} (as x)`, `dimension ${y.shape[1]}`);
  }
  const out = tf.tidy(() => {
    const n = x.shape[0] + y.shape[0];
    const mean = tf.div(tf.add(tf.sum(x, 0), tf.sum(y, 0)), n);
    return [tf.sub(x, mean), tf.sub(y, mean)] as [tf.Tensor2D, tf.Tensor2D];
  });
  x.dispose();
  y.dispose();
  return out;
}

/** A float32 copy of the input (a tensor is checked on the device, not copied through the host). */
function toTensor(where: string, param: string, input: PointsInput): tf.Tensor2D {
  if (input instanceof tf.Tensor) {
    if (input.rank !== 2 || input.shape[0] === 0 || input.shape[1] === 0) {
      mustBe(where, param, 'a non-empty 2-D tensor [n, D]', `shape [${input.shape.join(', ')}]`);
    }
    const finite = tf.tidy(() => tf.all(tf.isFinite(input)));
    const ok = finite.dataSync()[0] === 1;
    finite.dispose();
    if (!ok) mustBe(where, param, 'finite numbers', 'a tensor with NaN or infinite entries');
    return tf.cast(input, 'float32') as tf.Tensor2D;
  }
  const p = toPoints(where, param, input);
  return tf.tensor2d(Float32Array.from(p.data), [p.n, p.dim]);
}

/** mean over all (a, b) pairs of sum_s exp(-|a - b|^2 / (2 s)), accumulated per chunk in float64. */
function kernelMean(a: tf.Tensor2D, b: tf.Tensor2D, sigmas: readonly number[], chunkEntries: number): number {
  const [na] = a.shape;
  const [nb] = b.shape;
  // Explicit transpose then a plain matMul: matMul's transpose flags are ~14x slower on wasm.
  const bt = tf.transpose(b);
  const bNorm = tf.tidy(() => tf.reshape(tf.sum(tf.square(b), 1), [1, nb]));
  const rows = Math.max(1, Math.floor(chunkEntries / nb));
  let total = 0;
  try {
    for (let start = 0; start < na; start += rows) {
      const size = Math.min(rows, na - start);
      const chunkSum = tf.tidy(() => {
        const ac = tf.slice(a, [start, 0], [size, -1]);
        const aNorm = tf.reshape(tf.sum(tf.square(ac), 1), [size, 1]);
        const d2 = tf.relu(tf.sub(tf.add(aNorm, bNorm), tf.mul(2, tf.matMul(ac, bt))));
        let k: tf.Tensor = tf.exp(tf.mul(d2, -1 / (2 * sigmas[0]!)));
        for (let s = 1; s < sigmas.length; s++) k = tf.add(k, tf.exp(tf.mul(d2, -1 / (2 * sigmas[s]!))));
        return tf.sum(k, 1);
      });
      // Row sums come back and are added in float64: a float32 sum over millions of entries
      // would lose digits that the difference kxx + kyy - 2 kxy needs.
      for (const v of chunkSum.dataSync()) total += v;
      chunkSum.dispose();
    }
  } finally {
    bt.dispose();
    bNorm.dispose();
  }
  return total / (na * nb);
}
