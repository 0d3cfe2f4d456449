import * as tf from '@tensorflow/tfjs-core';

const stop = tf.customGrad(((x: tf.Tensor) => ({
  value: tf.clone(x),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as unknown as Parameters<typeof tf.customGrad>[0]);

/**
 * Identity in the forward pass, zero gradient backwards (tfjs has no stop_gradient op). Used where
 * a value must not be trained through: plain `sample`, fantasy data in sleep updates, targets.
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return stop(x) as T;
}

/** All values finite? One host sync; for guards and tests, not for inner loops. */
export function allFinite(x: tf.Tensor): boolean {
  return tf.tidy(() => tf.all(tf.isFinite(x)).dataSync()[0] === 1);
}

/**
 * `tf.tidy` for results that hold tensors inside plain objects or class instances (a sample with
 * its distribution): tfjs keeps every tensor reachable from the result, whatever its type.
 */
export function tidy<T>(fn: () => T): T {
  return tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as T;
}

/**
 * sum_i |t_i|^2 over every element of every tensor, a scalar (non-finite where any element is).
 * Each tensor's sum of squares is its flattened self times itself, one product: Square then Sum
 * writes and reads a full-size temporary for each gradient (the AAE step's 24 gradients, 6.4 M
 * values: 5 ms of Square and most of 7 ms of Sum in one profile on a loaded machine); the product
 * reads the gradient once (OpenBLAS or XNNPACK).
 */
export function squaredNorm(ts: tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => {
    if (ts.length === 0) return tf.scalar(0);
    const parts = ts.map((t) => tf.reshape(tf.matMul(tf.reshape(t, [1, -1]), tf.reshape(t, [-1, 1])), []));
    return tf.addN(parts) as tf.Scalar;
  });
}
