import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../types/dataset';
import type { Model } from '../types/model';
import type { SerializedModule } from '../types/serialized';
import { TestGaussian } from './gaussian';

export interface LinearGaussianOptions {
  /** [dataSize][latentSize] loading matrix W. */
  weights: number[][];
  /** [dataSize] offset b. */
  offset: number[];
  /** Observation noise standard deviation. */
  noise: number;
}

/**
 * p(z) = N(0, I), p(x | z) = N(Wz + b, noise^2 I): the model whose evidence
 * log p(x) = log N(x; b, W W^T + noise^2 I) is known in closed form, so every posterior family's
 * bound can be checked against it. Its parameters are constants (no trainable variables).
 */
export class LinearGaussianModel implements Model {
  readonly kind = 'linear-gaussian';
  readonly latentSize: number;
  readonly dataSize: number;
  private readonly w: tf.Tensor2D;
  private readonly b: tf.Tensor1D;

  constructor(readonly options: LinearGaussianOptions) {
    this.dataSize = options.weights.length;
    this.latentSize = options.weights[0]!.length;
    this.w = tf.tensor2d(options.weights);
    this.b = tf.tensor1d(options.offset);
  }

  prior(): TestGaussian {
    return new TestGaussian(tf.zeros([this.latentSize]), 1);
  }

  likelihood(z: tf.Tensor2D): TestGaussian {
    return new TestGaussian(tf.add(tf.matMul(z, tf.transpose(this.w)), this.b), this.options.noise);
  }

  namedVariables(): Record<string, tf.Variable> {
    return {};
  }

  toJSON(): SerializedModule {
    const { weights, offset, noise } = this.options;
    return { kind: this.kind, config: { weights, offset, noise }, weights: {} };
  }

  dispose(): void {
    this.w.dispose();
    this.b.dispose();
  }

  /** Exact log p(x) per row of x ([n * dataSize], row-major), in float64. */
  logEvidence(x: Float32Array): Float64Array {
    const { weights: W, offset: b, noise } = this.options;
    const D = this.dataSize;
    const cov = Array.from({ length: D }, (_, i) =>
      Array.from({ length: D }, (_, j) => W[i]!.reduce((s, w, k) => s + w * W[j]![k]!, 0) + (i === j ? noise * noise : 0)),
    );
    const L = cholesky(cov);
    const logDet = 2 * L.reduce((s, row, i) => s + Math.log(row[i]!), 0);
    const n = x.length / D;
    const out = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      // Solve L y = x - b; the Mahalanobis term is |y|^2.
      const y = new Float64Array(D);
      for (let i = 0; i < D; i++) {
        let v = x[r * D + i]! - b[i]!;
        for (let k = 0; k < i; k++) v -= L[i]![k]! * y[k]!;
        y[i] = v / L[i]![i]!;
      }
      const maha = y.reduce((s, v) => s + v * v, 0);
      out[r] = -0.5 * (D * Math.log(2 * Math.PI) + logDet + maha);
    }
    return out;
  }

  /** n examples drawn from the model, as a Dataset. */
  sampleDataset(n: number, seed: number): Dataset & { x: Float32Array } {
    const x = tf.tidy(() => {
      const z = tf.randomNormal([n, this.latentSize], 0, 1, 'float32', seed) as tf.Tensor2D;
      return this.likelihood(z).sample(seed + 1);
    });
    const values = x.dataSync() as Float32Array;
    x.dispose();
    const D = this.dataSize;
    return {
      name: 'linear-gaussian',
      size: n,
      dataSize: D,
      x: values,
      batch: (indices) => {
        const rows = new Float32Array(indices.length * D);
        indices.forEach((i, r) => rows.set(values.subarray(i * D, (i + 1) * D), r * D));
        return { x: tf.tensor2d(rows, [indices.length, D]) };
      },
    };
  }
}

function cholesky(a: number[][]): number[][] {
  const n = a.length;
  const L = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      L[i]![j] = i === j ? Math.sqrt(s) : s / L[j]![j]!;
    }
  }
  return L;
}

/** A reference model with orthogonal columns, so the exact posterior is Gaussian with diagonal covariance. */
export function referenceLinearGaussian(): LinearGaussianModel {
  return new LinearGaussianModel({
    weights: [
      [1.0, 0.0],
      [0.0, 0.8],
      [0.6, 0.0],
      [0.0, -0.6],
      [-0.8, 0.0],
      [0.0, 1.0],
    ],
    offset: [0.5, -0.3, 0.1, 0.0, 0.2, -0.1],
    noise: 0.5,
  });
}
