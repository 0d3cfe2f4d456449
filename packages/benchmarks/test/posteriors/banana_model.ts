import * as tf from '@tensorflow/tfjs-core';
import type { Dataset, Model, SerializedModule } from '@ddvi/core';
import { TestGaussian } from '@ddvi/core/testing';

/**
 * p(z) = N(0, I_2), x | z ~ N(z_1^2 + z_2, noise^2) (one observed coordinate): the posterior of z
 * given x lies along the parabola z_2 = x - z_1^2, a curved "banana" no Gaussian fits. The evidence
 * is exact up to 1-D quadrature: given z_1, x ~ N(z_1^2, 1 + noise^2).
 */
export class BananaModel implements Model {
  readonly kind = 'banana';
  readonly latentSize = 2;
  readonly dataSize = 1;

  constructor(readonly noise: number) {}

  prior(): TestGaussian {
    return new TestGaussian(tf.zeros([2]), 1);
  }

  likelihood(z: tf.Tensor2D): TestGaussian {
    const mean = tf.tidy(() => {
      const [z1, z2] = tf.split(z, 2, 1);
      return tf.add(tf.square(z1!), z2!);
    });
    return new TestGaussian(mean, this.noise);
  }

  namedVariables(): Record<string, tf.Variable> {
    return {};
  }

  toJSON(): SerializedModule {
    return { kind: this.kind, config: { noise: this.noise }, weights: {} };
  }

  dispose(): void {}

  /** log p(x) for each x, by the trapezoidal rule over z_1 in [-8, 8] (20,001 nodes: error far below 1e-6). */
  logEvidence(x: Float32Array): Float64Array {
    const v = 1 + this.noise * this.noise;
    const n = 20001;
    const h = 16 / (n - 1);
    return Float64Array.from(x, (xi) => {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const z1 = -8 + i * h;
        const w = i === 0 || i === n - 1 ? 0.5 : 1;
        s += w * Math.exp(-0.5 * z1 * z1 - (0.5 * (xi - z1 * z1) ** 2) / v);
      }
      return Math.log((s * h) / (2 * Math.PI * Math.sqrt(v)));
    });
  }

  sampleDataset(n: number, seed: number): Dataset & { x: Float32Array } {
    const x = tf.tidy(() => this.likelihood(tf.randomNormal([n, 2], 0, 1, 'float32', seed) as tf.Tensor2D).sample(seed + 1));
    const values = x.dataSync() as Float32Array;
    x.dispose();
    return {
      name: 'banana', size: n, dataSize: 1, x: values,
      batch: (indices) => ({ x: tf.tensor2d(Float32Array.from(indices, (i) => values[i]!), [indices.length, 1]) }),
    };
  }
}
