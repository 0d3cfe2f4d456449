/**
 * The two-class linear-Gaussian model of the semi-supervised exact-evidence test (the same one as
 * packages/posterior-diffusion/test/semi_supervised.test.ts): p(z | c) = N(m_c, I) in 2-D,
 * p(x | z) = N(Wz + b, s^2 I), so log p(x | c) and log p(x) = logsumexp_c log p(x | c) - log 2 are
 * exact.
 */
import * as tf from '@tensorflow/tfjs-core';
import { SeedStream } from '@ddvi/core';
import type { Dataset, Distribution, Model, SerializedModule } from '@ddvi/core';
import { TestGaussian } from '@ddvi/core/testing';
import { LabelledPrior, LearnedMixture } from '@ddvi/distributions';

const W = [[1.0, 0.0], [0.0, 0.8], [0.6, 0.0], [0.0, -0.6], [-0.8, 0.0], [0.0, 1.0]];
const B = [0.5, -0.3, 0.1, 0.0, 0.2, -0.1];
const NOISE = 0.5;
const MEANS = [[-1.5, 0], [1.5, 0]];
/** The label of an unlabelled row (K = 2). */
export const UNLABELLED = 2;

export class TwoClassLinearGaussian implements Model {
  readonly kind = 'two-class-linear-gaussian';
  readonly latentSize = 2;
  readonly dataSize = 6;
  readonly mixture = new LearnedMixture({ components: 2, std: 1 });
  private readonly w = tf.tensor2d(W);
  private readonly b = tf.tensor1d(B);

  constructor() {
    this.mixture.means.assign(tf.tensor2d(MEANS));
  }

  prior(label?: tf.Tensor1D): Distribution {
    return label ? new LabelledPrior(this.mixture, label) : this.mixture;
  }

  likelihood(z: tf.Tensor2D): Distribution {
    return new TestGaussian(tf.add(tf.matMul(z, tf.transpose(this.w)), this.b), NOISE);
  }

  namedVariables(): Record<string, tf.Variable> {
    return {}; // the model is fixed: only the posterior trains
  }

  toJSON(): SerializedModule {
    return { kind: this.kind, config: {}, weights: {} };
  }

  dispose(): void {
    tf.dispose([this.w, this.b]);
    this.mixture.dispose();
  }

  /** Exact log p(x | c) in float64 (c = UNLABELLED: log p(x)). */
  logEvidence(x: number[], c: number): number {
    const perClass = MEANS.map((m) => gaussianLogPdf(x, W.map((row, i) => row[0]! * m[0]! + row[1]! * m[1]! + B[i]!)));
    if (c !== UNLABELLED) return perClass[c]!;
    const top = Math.max(...perClass);
    return top + Math.log(perClass.reduce((s, v) => s + Math.exp(v - top), 0) / 2);
  }

  /** n draws (x, c) with only the first `labelled` rows keeping their label. */
  sample(n: number, labelled: number, seed: number): Dataset & { rows: number[][]; classes: number[] } {
    const s = new SeedStream(seed);
    const { z, label } = this.mixture.sampleWithClass(s.fork('z'), n);
    const x = tf.tidy(() => this.likelihood(z).sample(s.fork('x')));
    const rows = x.arraySync() as number[][];
    const classes = Array.from(label.dataSync());
    tf.dispose([z, label, x]);
    const shown = classes.map((c, i) => (i < labelled ? c : UNLABELLED));
    return {
      name: 'two-class-lg', size: n, dataSize: 6, rows, classes,
      batch: (idx) => ({ x: tf.tensor2d(Array.from(idx, (i) => rows[i]!)), label: tf.tensor1d(Array.from(idx, (i) => shown[i]!), 'int32') }),
    };
  }
}

/** log N(x; mean, W W^T + s^2 I) in float64. */
export function gaussianLogPdf(x: number[], mean: number[]): number {
  const D = x.length;
  const cov = Array.from({ length: D }, (_, i) => Array.from({ length: D }, (_, j) => W[i]![0]! * W[j]![0]! + W[i]![1]! * W[j]![1]! + (i === j ? NOISE * NOISE : 0)));
  const L = cov.map((r) => r.map(() => 0));
  for (let i = 0; i < D; i++) {
    for (let j = 0; j <= i; j++) {
      let v = cov[i]![j]!;
      for (let k = 0; k < j; k++) v -= L[i]![k]! * L[j]![k]!;
      L[i]![j] = i === j ? Math.sqrt(v) : v / L[j]![j]!;
    }
  }
  const y: number[] = [];
  for (let i = 0; i < D; i++) {
    let v = x[i]! - mean[i]!;
    for (let k = 0; k < i; k++) v -= L[i]![k]! * y[k]!;
    y.push(v / L[i]![i]!);
  }
  const logDet = 2 * L.reduce((s, r, i) => s + Math.log(r[i]!), 0);
  return -0.5 * (D * Math.log(2 * Math.PI) + logDet + y.reduce((s, v) => s + v * v, 0));
}

/** The per-sample bound for one row x with label c, repeated n times; returns its mean and standard error. */

export function meanAndSe(values: ArrayLike<number>): { mean: number; se: number } {
  const n = values.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += values[i]! / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (values[i]! - m) ** 2 / (n - 1);
  return { mean: m, se: Math.sqrt(v / n) };
}
