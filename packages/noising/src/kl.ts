import * as tf from '@tensorflow/tfjs-core';
import { invalid } from '@ddvi/core';
import type { NoisingProcess, StepInput } from './types';

/**
 * KL(N(meanA, exp(logVarA)) || N(meanB, exp(logVarB))) between diagonal Gaussians, summed over the
 * last axis: shape = the inputs' broadcast shape without its last axis ([B] for [B, d] inputs).
 *
 * Log-variance form, stable for tiny variances (e.g. betatilde ~ 1e-10): with r = logVarA - logVarB,
 * KL = 0.5 * sum(expm1(r) - r + (meanA - meanB)^2 * exp(-logVarB)); expm1(r) - r never cancels
 * catastrophically the way exp(r) - 1 - r does near r = 0, and no variance is divided by directly.
 */
export function diagGaussianKL(meanA: tf.Tensor, logVarA: tf.Tensor, meanB: tf.Tensor, logVarB: tf.Tensor): tf.Tensor {
  for (const [name, x] of [['meanA', meanA], ['logVarA', logVarA], ['meanB', meanB], ['logVarB', logVarB]] as const) {
    if (x.rank < 1) invalid('diagGaussianKL', name, 'a tensor of rank >= 1 (the last axis is summed)', `a scalar`);
  }
  return tf.tidy(() => {
    const r = tf.sub(logVarA, logVarB);
    const quad = tf.mul(tf.square(tf.sub(meanA, meanB)), tf.exp(tf.neg(logVarB)));
    return tf.mul(0.5, tf.sum(tf.add(tf.sub(tf.expm1(r), r), quad), -1));
  });
}

/**
 * The per-step KL term of DDVI's bound, KL(q(y_{t-1} | y_t, x) || r(y_{t-1} | y_t, y_0)), [B], for
 * a reverse step q = N(qMean, exp(qLogVariance)) ([B, d] each) and any NoisingProcess r.
 *
 * Defined for t >= 2. At t = 1, r(y_0 | y_1, y_0) is a point mass and the KL is infinite; the
 * bound's t = 1 term is the log-density of y_0 (reconstruction), not a KL, so this returns 0 for
 * t = 1 entries (documented, never NaN or Inf) and the caller accounts for that step separately.
 */
export function stepKL(
  process: NoisingProcess,
  q: { mean: tf.Tensor2D; logVariance: tf.Tensor2D },
  yt: tf.Tensor2D,
  y0: tf.Tensor2D,
  t: StepInput,
): tf.Tensor1D {
  const p = process.posterior(yt, y0, t);
  return tf.tidy(() => {
    const kl = diagGaussianKL(q.mean, q.logVariance, p.mean, p.logVariance) as tf.Tensor1D;
    tf.dispose([p.mean, p.variance, p.logVariance]);
    if (typeof t === 'number') return t === 1 ? (tf.zerosLike(kl) as tf.Tensor1D) : kl;
    return tf.mul(kl, tf.cast(tf.greater(t, 1), 'float32')) as tf.Tensor1D;
  });
}
