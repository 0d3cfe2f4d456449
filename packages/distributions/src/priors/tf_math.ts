import * as tf from '@tensorflow/tfjs-core';
import { stopGradient } from '@ddvi/core';
import { ERFC_COEFFS } from './numerics';

/*
 * Tensor math for the priors' densities. Two tfjs gradient traps shape it:
 * - Every branch of a tf.where gets inputs for which it is finite: the Select gradient multiplies
 *   by the mask, so a NaN or infinite gradient in the branch not taken would still poison the
 *   result (0 * Inf = NaN).
 * - A mask computed from a differentiable value is on the gradient tape (Select sends a zero
 *   gradient to its condition), and tfjs-core registers no gradient for Greater, Less, LessEqual
 *   or the logical ops: backprop then throws. Masks here use only GreaterEqual, Cast and
 *   arithmetic, which have (zero) gradients.
 */

const LN2 = Math.LN2;

/** log erfc(x) for x >= 0 (Numerical Recipes' fit, relative error of erfc < 1.2e-7), differentiable. */
export function logErfcNonNeg(x: tf.Tensor): tf.Tensor {
  const t = tf.div(1, tf.add(1, tf.mul(0.5, x)));
  let poly: tf.Tensor = tf.mul(t, ERFC_COEFFS[ERFC_COEFFS.length - 1]!);
  for (let i = ERFC_COEFFS.length - 2; i >= 1; i--) poly = tf.mul(t, tf.add(poly, ERFC_COEFFS[i]!));
  return tf.add(tf.sub(tf.log(t), tf.square(x)), tf.add(poly, ERFC_COEFFS[0]));
}

/** log Q(x) = log(1 - Phi(x)) for x >= 0 (the standard normal upper tail). */
function logUpperTail(x: tf.Tensor): tf.Tensor {
  return tf.add(logErfcNonNeg(tf.mul(x, Math.SQRT1_2)), -LN2);
}

/** log(1 - exp(d)) for d < 0, accurate on both sides of -log 2. */
export function log1mExp(d: tf.Tensor): tf.Tensor {
  const near = tf.greaterEqual(d, -LN2);
  const dNear = tf.where(near, d, tf.fill(d.shape, -0.5));
  const dFar = tf.where(near, tf.fill(d.shape, -1), d);
  return tf.where(near, tf.log(tf.neg(tf.expm1(dNear))), tf.log1p(tf.neg(tf.exp(dFar))));
}

/**
 * log(Phi(x) - Phi(y)) for x > y elementwise, stable in both tails (the along-edge mass of a
 * uniform segment convolved with a Gaussian). Three cases, each written without cancellation.
 */
export function logDiffNormalCdf(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const caseA = tf.greaterEqual(y, 0); // 0 <= y < x: Q(y) - Q(x)
  const caseB = tf.greaterEqual(tf.neg(x), 0); // y < x <= 0: Q(-x) - Q(-y)
  const caseC = neither(caseA, caseB); // y < 0 < x: 1 - Q(x) - Q(-y)
  const pick = (mask: tf.Tensor, v: tf.Tensor, dummy: number) => tf.where(mask, v, tf.fill(v.shape, dummy));

  const xa = pick(caseA, x, 2);
  const ya = pick(caseA, y, 1);
  const lqa = logUpperTail(ya);
  const a = tf.add(lqa, log1mExp(tf.sub(logUpperTail(xa), lqa)));

  const xb = pick(caseB, x, -1);
  const yb = pick(caseB, y, -2);
  const lqb = logUpperTail(tf.neg(xb));
  const b = tf.add(lqb, log1mExp(tf.sub(logUpperTail(tf.neg(yb)), lqb)));

  const xc = pick(caseC, x, 1);
  const yc = pick(caseC, y, -1);
  const c = tf.log1p(tf.neg(tf.add(tf.exp(logUpperTail(xc)), tf.exp(logUpperTail(tf.neg(yc))))));

  return tf.where(caseA, a, tf.where(caseB, b, c));
}

/** Elementwise a AND b of boolean masks, through float casts (see the note at the top). */
export function both(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.greaterEqual(tf.mul(tf.cast(a, 'float32'), tf.cast(b, 'float32')), 0.5);
}

/** Elementwise (NOT a) AND (NOT b) of boolean masks, through float casts. */
export function neither(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.greaterEqual(tf.mul(tf.sub(1, tf.cast(a, 'float32')), tf.sub(1, tf.cast(b, 'float32'))), 0.5);
}

/** Squared distances between the rows of a `[m, 2]` and b `[n, 2]`, `[m, n]` (2-D broadcasts: faster on wasm than 3-D). */
export function pairwiseSquaredDistance(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const [ax, ay] = tf.unstack(a, 1) as [tf.Tensor1D, tf.Tensor1D];
  const [bx, by] = tf.unstack(b, 1) as [tf.Tensor1D, tf.Tensor1D];
  // tf.square(tf.sub(..)), not tf.squaredDifference: the latter's gradient ignores broadcasting.
  return tf.add(
    tf.square(tf.sub(tf.expandDims(ax, 1), tf.expandDims(bx, 0))),
    tf.square(tf.sub(tf.expandDims(ay, 1), tf.expandDims(by, 0))),
  ) as tf.Tensor2D;
}

/**
 * log-sum-exp over `axis` that allows -Infinity entries: a slice that is all -Infinity gives
 * -Infinity with a zero (not NaN) gradient, and finite slices get the usual gradient.
 */
export function logSumExpAllowingNegInf(x: tf.Tensor, axis: number): tf.Tensor {
  const m = stopGradient(tf.max(x, axis, true));
  const finite = tf.isFinite(m);
  const mSafe = tf.where(finite, m, tf.zerosLike(m));
  const s = tf.sum(tf.exp(tf.sub(x, mSafe)), axis);
  const rowFinite = tf.squeeze(finite, [axis]);
  const sSafe = tf.where(rowFinite, s, tf.onesLike(s));
  const out = tf.add(tf.log(sSafe), tf.squeeze(mSafe, [axis]));
  return tf.where(rowFinite, out, tf.fill(out.shape, -Infinity));
}

/** Rows of z `[m, 2]` split into chunks of at most `rows`, mapped by fn and concatenated (bounds memory). */
export function mapRowChunks(z: tf.Tensor2D, rows: number, fn: (chunk: tf.Tensor2D) => tf.Tensor1D): tf.Tensor1D {
  const m = z.shape[0];
  if (m <= rows) return fn(z);
  const parts: tf.Tensor1D[] = [];
  for (let start = 0; start < m; start += rows) {
    // One tidy per chunk: otherwise every chunk's [rows, N] intermediates live until the caller's
    // scope ends, and the chunking saves no memory (10k x 10k exhausted the wasm heap).
    parts.push(tf.tidy(() => fn(tf.slice(z, [start, 0], [Math.min(rows, m - start), 2]))));
  }
  return tf.concat(parts, 0);
}
