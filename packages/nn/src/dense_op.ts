import * as tf from '@tensorflow/tfjs-core';
import type { FusedActivation } from './activation';

/**
 * x W + b through a fused activation (linear, relu, leaky ReLU, sigmoid) as one differentiable op:
 * the backend's `_FusedMatMul` kernel forward, a hand-written backward pass.
 *
 * Why: under a gradient tape `tf.fused.matMul` unfuses any activation but 'linear' into a product,
 * a bias add and the activation's own kernel (three dispatches; wasm's LeakyRelu alone took 640 us
 * on [128, 1000], ~20 ms of an MNIST DDVI step with its gradient), and its bias gradient is a Sum
 * over the batch axis, which wasm computes by transposing first. Here the forward is the one fused
 * kernel (tape or not), and the backward reads the activation's derivative off the output (for
 * these four it is a function of the output), with the bias gradient a product with ones.
 * Same function as the op path to float32 rounding (tested, values and gradients).
 */
export function fusedDense(x: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor1D, activation: FusedActivation, leakyreluAlpha = 0.2): tf.Tensor2D {
  const op = tf.customGrad((...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [a, w, b] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
    // The kernel's operands are rank 3 ([batch, m, k]), as tf.fused.matMul hands them.
    const a3 = tf.reshape(a, [1, ...a.shape]);
    const w3 = tf.reshape(w, [1, ...w.shape]);
    const y3 = tf.engine().runKernel('_FusedMatMul', { a: a3, b: w3, bias: b }, { transposeA: false, transposeB: false, activation, leakyreluAlpha }) as tf.Tensor3D;
    const y = tf.reshape(y3, [a.shape[0], w.shape[1]]) as tf.Tensor2D;
    save([a, w, y]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [a0, w0, y0] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const dPre = preActivationGrad(dy as tf.Tensor2D, y0, activation, leakyreluAlpha);
      const dBias = tf.reshape(tf.matMul(tf.ones([1, dPre.shape[0]]), dPre), [dPre.shape[1]]);
      return [tf.matMul(dPre, w0, false, true), tf.matMul(a0, dPre, true, false), dBias];
    };
    return { value: y, gradFunc };
  });
  return op(x, weight, bias) as tf.Tensor2D;
}

/** d loss / d pre-activation from the output's gradient and the output y = act(pre). */
function preActivationGrad(dy: tf.Tensor2D, y: tf.Tensor2D, activation: FusedActivation, alpha: number): tf.Tensor2D {
  switch (activation) {
    case 'linear':
      return dy;
    case 'relu':
      return tf.mul(dy, tf.step(y)) as tf.Tensor2D;
    case 'leakyrelu':
      // y > 0 exactly where the pre-activation is, for alpha > 0 (Dense's slope is 0.2); step(y, alpha)
      // is 1 there and alpha elsewhere: two kernels, where greater + mul + select were three.
      return tf.mul(dy, tf.step(y, alpha)) as tf.Tensor2D;
    case 'sigmoid':
      return tf.mul(dy, tf.mul(y, tf.sub(1, y))) as tf.Tensor2D;
  }
}
