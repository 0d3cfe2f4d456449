import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '@ddvi/core';

/**
 * Unbiased MMD^2 between two 2-D samples (row-major [n * 2]) with the Gaussian kernel
 * k(a, b) = exp(-|a - b|^2 / (2 h^2)), in plain JS.
 */
export function mmd2(a: Float32Array, b: Float32Array, h: number): number {
  const n = a.length / 2;
  const m = b.length / 2;
  const k = (x: Float32Array, i: number, y: Float32Array, j: number) => {
    const dx = x[2 * i]! - y[2 * j]!;
    const dy = x[2 * i + 1]! - y[2 * j + 1]!;
    return Math.exp(-(dx * dx + dy * dy) / (2 * h * h));
  };
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) xx += k(a, i, a, j);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) yy += k(b, i, b, j);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) xy += k(a, i, b, j);
  return xx / (n * (n - 1)) + yy / (m * (m - 1)) - (2 * xy) / (n * m);
}

/** An in-memory 2-D dataset over row-major values. */
export function dataset(name: string, values: Float32Array, dataSize = 2): Dataset {
  return {
    name, size: values.length / dataSize, dataSize,
    batch: (indices) => {
      const out = new Float32Array(indices.length * dataSize);
      indices.forEach((r, i) => out.set(values.subarray(dataSize * r, dataSize * r + dataSize), dataSize * i));
      return { x: tf.tensor2d(out, [indices.length, dataSize]) };
    },
  };
}
