import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs-core';

/**
 * The wasm backend (tfjs 4.22) has no Conv2DBackpropFilter kernel, so tfjs' own gradients of
 * conv2d and conv2dTranspose with respect to the filter throw there. The filter gradient is itself
 * a convolution: dW[kh, kw, ci, co] = sum_{b,i,j} x[b, i*s + kh, j*s + kw, ci] dy[b, i, j, co], i.e.
 * x with batch and channels swapped, convolved with dy as a filter dilated by the stride. That uses
 * the Conv2D kernel every backend has. Only the case our layers use (NHWC, 'valid' padding,
 * dilation 1) is rewritten; anything else keeps tfjs' gradient.
 */
export function filterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: readonly number[], stride: [number, number]): tf.Tensor4D {
  const [kh, kw, ci, co] = filterShape as [number, number, number, number];
  return tf.tidy(() => {
    const xt = tf.transpose(x, [3, 1, 2, 0]); // [ci, H, W, b]
    const f = tf.transpose(dy, [1, 2, 0, 3]); // [oh, ow, b, co]
    const full = tf.conv2d(xt, f, 1, 'valid', 'NHWC', stride); // [ci, >= kh, >= kw, co]
    return tf.transpose(tf.slice(full, [0, 0, 0, 0], [ci, kh, kw, co]), [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

function pair(v: number | [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : v;
}

function rewritable(attrs: NamedAttrMap): boolean {
  const dil = attrs.dilations === undefined ? [1, 1] : pair(attrs.dilations as number | [number, number]);
  return attrs.pad === 'valid' && (attrs.dataFormat ?? 'NHWC') === 'NHWC' && dil[0] === 1 && dil[1] === 1;
}

let registered = false;

/** Re-registers the gradients of Conv2D and Conv2DBackpropInput (conv2dTranspose) once per process. */
export function ensureConvGradients(): void {
  if (registered) return;
  registered = true;
  const conv = tf.getGradient('Conv2D');
  const convT = tf.getGradient('Conv2DBackpropInput');
  if (conv) {
    const original = conv.gradFunc;
    tf.registerGradient({
      ...conv,
      gradFunc: (dy, saved, attrs) => {
        if (!rewritable(attrs)) return original(dy, saved, attrs);
        const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
        const strides = pair(attrs.strides as number | [number, number]);
        return {
          x: () => tf.conv2dTranspose(dy as tf.Tensor4D, filter, x.shape, strides, 'valid'),
          filter: () => filterGradient(x, dy as tf.Tensor4D, filter.shape, strides),
        };
      },
    } as GradConfig);
  }
  if (convT) {
    const original = convT.gradFunc;
    tf.registerGradient({
      ...convT,
      gradFunc: (ddx, saved, attrs) => {
        if (!rewritable(attrs)) return original(ddx, saved, attrs);
        // conv2dTranspose(dy, W) is the input gradient of a conv2d(out, W) = dy; so its gradients
        // are that conv2d (for dy) and the filter gradient with the roles of input and output swapped.
        const [dy, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
        const strides = pair(attrs.strides as number | [number, number]);
        return {
          dy: () => tf.conv2d(ddx as tf.Tensor4D, filter, strides, 'valid') as tf.Tensor4D,
          filter: () => filterGradient(ddx as tf.Tensor4D, dy, filter.shape, strides),
        };
      },
    } as GradConfig);
  }
}
