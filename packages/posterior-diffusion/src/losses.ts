import * as tf from '@tensorflow/tfjs-core';

/**
 * Elementwise 'huber' (PyTorch's SmoothL1 with delta 1: 0.5 r^2 for |r| < 1, |r| - 0.5 beyond, the
 * reference's wake and sleep loss) or 'mse' (r^2) of a residual.
 */
export function elementwiseLoss(kind: 'huber' | 'mse', residual: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    if (kind === 'mse') return tf.square(residual);
    // 0.5 q^2 + (|r| - q) with q = min(|r|, 1): the same piecewise function, built from ops whose
    // gradients tfjs registers on every backend.
    const abs = tf.abs(residual);
    const q = tf.minimum(abs, 1);
    return tf.add(tf.mul(0.5, tf.square(q)), tf.sub(abs, q));
  });
}
