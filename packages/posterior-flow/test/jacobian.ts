import * as tf from '@tensorflow/tfjs-core';

/**
 * log |det J| of a row-wise map for every row of x, from the autodiff Jacobian built one output
 * coordinate at a time (d gradient calls: d/dx of sum_b y[b, i] is row i of every example's
 * Jacobian, since rows do not interact), then an LU factorization in float64.
 */
export function autodiffLogDet(fn: (x: tf.Tensor2D) => tf.Tensor2D, x: tf.Tensor2D): number[] {
  const [batch, d] = x.shape;
  const rows = Array.from({ length: d }, (_, i) =>
    tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(tf.slice(fn(v as tf.Tensor2D), [0, i], [-1, 1])))(x).arraySync() as number[][]),
  );
  return Array.from({ length: batch }, (_, b) => logAbsDet(rows.map((r) => [...r[b]!])));
}

/** log |det A| by Gaussian elimination with partial pivoting (A is overwritten). */
export function logAbsDet(a: number[][]): number {
  const n = a.length;
  let sum = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i]![k]!) > Math.abs(a[p]![k]!)) p = i;
    [a[k], a[p]] = [a[p]!, a[k]!];
    const pivot = a[k]![k]!;
    if (pivot === 0) return -Infinity;
    sum += Math.log(Math.abs(pivot));
    for (let i = k + 1; i < n; i++) {
      const f = a[i]![k]! / pivot;
      for (let j = k; j < n; j++) a[i]![j]! -= f * a[k]![j]!;
    }
  }
  return sum;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
