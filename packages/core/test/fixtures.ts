import * as tf from '@tensorflow/tfjs-core';
import { TestGaussian } from '../src/testing';
import type { AuxiliaryLoss, Posterior, PosteriorSample, SampleOptions, SerializedModule } from '../src';
import { assignVariables, serializeVariables } from '../src';

/**
 * q(z | x) = N(A x + c, diag(exp(logScale))^2): a linear amortized Gaussian, which contains the
 * exact posterior of the linear-Gaussian reference model, so bounds can be checked to equality.
 */
export class LinearPosterior implements Posterior {
  readonly family = 'linear-test';
  readonly capabilities = { hasDensity: true, supportsIWAE: true, supportsLabels: false };
  readonly a: tf.Variable;
  readonly c: tf.Variable;
  readonly logScale: tf.Variable;

  constructor(readonly latentSize: number, readonly dataSize: number, seed = 1) {
    this.a = tf.variable(tf.randomNormal([dataSize, latentSize], 0, 0.1, 'float32', seed));
    this.c = tf.variable(tf.zeros([latentSize]));
    this.logScale = tf.variable(tf.fill([latentSize], -0.5));
  }

  sample(x: tf.Tensor2D, options: SampleOptions): PosteriorSample {
    return tf.tidy(() => {
      const loc = tf.add(tf.matMul(x, this.a), this.c);
      const scale = tf.exp(this.logScale);
      const eps = tf.randomNormal(loc.shape, 0, 1, 'float32', options.seed.next());
      const z = tf.add(loc, tf.mul(scale, eps)) as tf.Tensor2D;
      const logQ = tf.sub(
        tf.mul(-0.5, tf.sum(tf.square(eps), 1)),
        tf.add(tf.sum(this.logScale), 0.5 * this.latentSize * Math.log(2 * Math.PI)),
      ) as tf.Tensor1D;
      return { z, logQ };
    });
  }

  /** Sets q to the exact posterior of p(z)=N(0,I), p(x|z)=N(Wz+b, s^2 I) with orthogonal W columns. */
  setExact(W: number[][], b: number[], noise: number): void {
    const d = this.latentSize;
    const colNorm2 = Array.from({ length: d }, (_, k) => W.reduce((s, row) => s + row[k]! ** 2, 0));
    const post = colNorm2.map((n2) => 1 / (1 + n2 / noise ** 2));
    const A = W.map((row) => row.map((w, k) => (post[k]! * w) / noise ** 2));
    const c = Array.from({ length: d }, (_, k) => -b.reduce((s, bi, i) => s + A[i]![k]! * bi, 0));
    tf.tidy(() => {
      this.a.assign(tf.tensor2d(A));
      this.c.assign(tf.tensor1d(c));
      this.logScale.assign(tf.tensor1d(post.map((v) => 0.5 * Math.log(v))));
    });
  }

  auxiliaryLosses(): AuxiliaryLoss[] {
    return [];
  }

  namedVariables(): Record<string, tf.Variable> {
    return { a: this.a, c: this.c, logScale: this.logScale };
  }

  toJSON(): SerializedModule {
    return { kind: this.family, config: { latentSize: this.latentSize, dataSize: this.dataSize }, weights: serializeVariables(this.namedVariables()) };
  }

  static fromJSON(s: SerializedModule): LinearPosterior {
    const q = new LinearPosterior(s.config.latentSize as number, s.config.dataSize as number);
    assignVariables('LinearPosterior', q.namedVariables(), s.weights);
    return q;
  }

  dispose(): void {
    tf.dispose([this.a, this.c, this.logScale]);
  }
}

export { TestGaussian };
