import * as tf from '@tensorflow/tfjs-core';
import { HALF_LOG_2PI } from '@ddvi/core';

/** log(sqrt(2 pi)). */
export const LOG_SQRT_2PI = HALF_LOG_2PI;

/** Most negative finite float32; log-probabilities are clamped to it so that 0 * log 0 = 0. */
export const MIN_LOG = -3.4028234663852886e38;

/** Elementwise log N(x; loc, scale), broadcasting. */
export function normalLogDensity(x: tf.Tensor, loc: tf.Tensor, scale: tf.Tensor): tf.Tensor {
  const z = tf.div(tf.sub(x, loc), scale);
  return tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(tf.log(scale), LOG_SQRT_2PI));
}

/** Elementwise entropy of N(loc, scale): 0.5 + log(sqrt(2 pi)) + log scale. */
export function normalEntropy(scale: tf.Tensor): tf.Tensor {
  return tf.add(tf.log(scale), 0.5 + LOG_SQRT_2PI);
}

/** Elementwise KL(N(m1, s1) || N(m2, s2)) = log(s2/s1) + (s1^2 + (m1-m2)^2) / (2 s2^2) - 1/2. */
export function normalKL(m1: tf.Tensor, s1: tf.Tensor, m2: tf.Tensor, s2: tf.Tensor): tf.Tensor {
  const ratio = tf.div(s1, s2);
  const diff = tf.div(tf.sub(m1, m2), s2);
  return tf.mul(0.5, tf.sub(tf.add(tf.square(ratio), tf.square(diff)), tf.add(1, tf.mul(2, tf.log(ratio)))));
}

/** Elementwise x * logits - softplus(logits) = x log p + (1 - x) log(1 - p), stable for any logits. */
export function bernoulliLogDensity(x: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  return tf.sub(tf.mul(x, logits), tf.softplus(logits));
}

/** probs -> logits, with probs clamped to [eps, 1 - eps] so that 0 and 1 stay finite (as PyTorch's clamp_probs). */
export function probsToLogits(probs: tf.Tensor): tf.Tensor {
  const eps = 1.1920928955078125e-7;
  return tf.tidy(() => {
    const p = tf.clipByValue(probs, eps, 1 - eps);
    return tf.sub(tf.log(p), tf.log1p(tf.neg(p)));
  });
}

/** Uniform draws in (0, 1) strictly, safe for log(u) and log(1 - u) in float32. */
export function openUniform(shape: number[], seed: number): tf.Tensor {
  const tiny = 1.1920928955078125e-7;
  return tf.clipByValue(tf.randomUniform(shape, 0, 1, 'float32', seed), tiny, 1 - tiny);
}
