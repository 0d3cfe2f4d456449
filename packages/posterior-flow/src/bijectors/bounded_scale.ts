import * as tf from '@tensorflow/tfjs-core';

/**
 * bound * tanh(s / bound): the identity near 0 with slope 1, saturating at +-bound. Log-scales
 * pass through it so exp(log-scale) stays in [e^-bound, e^bound] whatever the network outputs,
 * which keeps samples and log-determinants finite on extreme inputs without clipping gradients.
 */
export function softClamp(s: tf.Tensor, bound: number): tf.Tensor {
  return tf.mul(bound, tf.tanh(tf.div(s, bound)));
}

/** log sigmoid(s) = -softplus(-s), finite for any finite s (log(sigmoid(s)) underflows to -inf). */
export function logSigmoid(s: tf.Tensor): tf.Tensor {
  return tf.neg(tf.softplus(tf.neg(s)));
}
