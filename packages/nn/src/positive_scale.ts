import * as tf from '@tensorflow/tfjs-core';
import { invalid } from '@ddvi/core';

/** How an encoder's raw head becomes a standard deviation (shared by the Gaussian-based families). */
export const SCALE_PARAMETERIZATIONS = ['sigmoid', 'softplus', 'exp'] as const;
export type ScaleParameterization = (typeof SCALE_PARAMETERIZATIONS)[number];

/**
 * A positive scale from a raw head s: 'sigmoid' reads it as the reference VAE's variance
 * sigmoid(s) (so variances lie in (0, 1)), 'softplus' gives softplus(s) + minScale, 'exp' reads s
 * as a log-variance (DDVI's encoder). minScale keeps the scale away from 0.
 */
export function positiveScale(kind: ScaleParameterization, s: tf.Tensor2D, minScale: number): tf.Tensor2D {
  return tf.tidy(() => {
    switch (kind) {
      case 'sigmoid':
        return tf.sqrt(tf.add(tf.sigmoid(s), minScale * minScale)) as tf.Tensor2D;
      case 'softplus':
        return tf.add(tf.softplus(s), minScale) as tf.Tensor2D;
      case 'exp':
        return tf.add(tf.exp(tf.mul(0.5, s)), minScale) as tf.Tensor2D;
      default:
        return invalid('positiveScale', 'kind', `one of ${SCALE_PARAMETERIZATIONS.join(', ')}`, kind);
    }
  });
}
