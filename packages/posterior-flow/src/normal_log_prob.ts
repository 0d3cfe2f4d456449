import * as tf from '@tensorflow/tfjs-core';
import { HALF_LOG_2PI } from '@ddvi/core';

/** log N(u; 0, I) per row of u: [batch, d] -> [batch]. */
export function standardNormalLogProb(u: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sub(tf.mul(-0.5, tf.sum(tf.square(u), 1)), u.shape[1] * HALF_LOG_2PI) as tf.Tensor1D);
}

/**
 * log N(mu + sigma * eps; mu, diag sigma^2) per row, written in terms of eps: the same function of
 * the parameters as the textbook form for z = mu + sigma * eps, without the cancellation in (z - mu).
 * This is the correct Gaussian density (D1); the reference's logvar-for-0.5-logvar quirk is not copied.
 */
export function reparameterizedNormalLogProb(eps: tf.Tensor2D, sigma: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sub(standardNormalLogProb(eps), tf.sum(tf.log(sigma), 1)) as tf.Tensor1D);
}
