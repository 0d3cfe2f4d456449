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

/** Taps start, start + step, ... of `t` along `axis`, by slices and a concat (whose gradients every backend has; gather's needs a kernel wasm lacks). */
function taps(t: tf.Tensor4D, axis: 0 | 1, start: number, step: number): tf.Tensor4D {
  const parts: tf.Tensor4D[] = [];
  for (let u = start; u < t.shape[axis]; u += step) {
    const begin = [0, 0, 0, 0];
    const size = [...t.shape];
    begin[axis] = u;
    size[axis] = 1;
    parts.push(tf.slice(t, begin, size));
  }
  return parts.length === 1 ? parts[0]! : tf.concat(parts, axis);
}

/**
 * The transposed convolution of x [b, h, w, in] with `filter` [k, k, out, in] ('valid', NHWC),
 * as tfjs' conv2dTranspose defines it, computed with stride-1 conv2d calls: output pixel o = q s + p
 * only sees the filter taps p, p + s, ..., so each of the s x s output phases is an ordinary
 * convolution of x with those taps, and the phases are interleaved. The wasm backend's
 * Conv2DBackpropInput kernel (what conv2dTranspose runs) is a plain loop; its Conv2D is XNNPACK.
 * `outHW` pads the result up to a larger size (rows a strided conv skipped get zero gradient).
 */
export function convTranspose(x: tf.Tensor4D, filter: tf.Tensor4D, stride: [number, number], outHW?: [number, number]): tf.Tensor4D {
  return tf.tidy(() => {
    const [sh, sw] = stride;
    const [kh, kw, cout] = filter.shape;
    const [b, h, w] = x.shape;
    const oh = (h - 1) * sh + kh;
    const ow = (w - 1) * sw + kw;
    const lh = Math.ceil(oh / sh);
    const lw = Math.ceil(ow / sw);
    const asConv = tf.transpose(filter, [0, 1, 3, 2]) as tf.Tensor4D; // [k, k, in, out]
    const rows: tf.Tensor4D[] = [];
    for (let py = 0; py < sh; py++) {
      const cols: tf.Tensor4D[] = [];
      for (let px = 0; px < sw; px++) {
        if (py >= kh || px >= kw) {
          cols.push(tf.zeros([b, lh, lw, cout]));
          continue;
        }
        const sub = tf.reverse(taps(taps(asConv, 0, py, sh), 1, px, sw), [0, 1]) as tf.Tensor4D;
        const [ph, pw] = sub.shape;
        const phase = tf.conv2d(tf.pad(x, [[0, 0], [ph - 1, ph - 1], [pw - 1, pw - 1], [0, 0]]), sub, 1, 'valid');
        cols.push(tf.pad(phase, [[0, 0], [0, lh - phase.shape[1]], [0, lw - phase.shape[2]], [0, 0]]));
      }
      // [b, lh, lw, sw, c] -> [b, lh, lw * sw, c]: the columns of the phases interleaved.
      rows.push(sw === 1 ? cols[0]! : (tf.reshape(tf.stack(cols, 3), [b, lh, lw * sw, cout]) as tf.Tensor4D));
    }
    const all = sh === 1 ? rows[0]! : (tf.reshape(tf.stack(rows, 2), [b, lh * sh, lw * sw, cout]) as tf.Tensor4D);
    const y = tf.slice(all, [0, 0, 0, 0], [b, oh, ow, cout]);
    if (!outHW || (outHW[0] === oh && outHW[1] === ow)) return y;
    return tf.pad(y, [[0, 0], [0, outHW[0] - oh], [0, outHW[1] - ow], [0, 0]]);
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
          x: () => convTranspose(dy as tf.Tensor4D, filter, strides, [x.shape[1], x.shape[2]]),
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
