import * as tf from '@tensorflow/tfjs-core';
import { LOG_2PI, stopGradient } from '@ddvi/core';
import type { SeedStream } from '@ddvi/core';
import { checkOptionKeys, nonNegative, positive, positiveInt, Prior2D } from './prior';


export interface IsotropicGaussianOptions {
  /** Std of each coordinate (default 1; the reference's presets: gauss 1, mid 0.5, small 0.3, tiny 0.125, super_tiny 0.0625). */
  std?: number;
}

/**
 * N(0, std^2 I) in 2-D (reference `GaussPrior`, spec §9.4) with one class. Closed-form density
 * with the exact constant log(2 pi) (the reference uses log(2 * 3.14), 5e-4 nats off).
 */
export class IsotropicGaussian extends Prior2D {
  readonly name = 'IsotropicGaussian';
  readonly std: number;

  constructor(options: IsotropicGaussianOptions = {}, classIndex: number | null = null) {
    checkOptionKeys('IsotropicGaussian', options, ['std']);
    super(1, classIndex);
    this.std = positive('IsotropicGaussian', 'std', options.std, 1);
    if (classIndex !== null) this.checkClass(classIndex);
  }

  get options(): Required<IsotropicGaussianOptions> {
    return { std: this.std };
  }

  conditional(c: number): IsotropicGaussian {
    return new IsotropicGaussian(this.options, this.checkClass(c));
  }

  mean(): tf.Tensor {
    return tf.zeros([2]);
  }

  /** grad log p(z) = -z / std^2 at each row of `z` [..., 2], same shape; a constant (no gradient). */
  score(z: tf.Tensor): tf.Tensor {
    this.checkValueShape(z);
    return tf.tidy(() => stopGradient(tf.div(tf.cast(z, 'float32'), -(this.std * this.std))));
  }

  protected sampleGivenLabels(seed: SeedStream, labels: tf.Tensor1D): tf.Tensor2D {
    return tf.randomNormal([labels.shape[0], 2], 0, this.std, 'float32', seed.next()) as tf.Tensor2D;
  }

  protected logProbFlat(z: tf.Tensor2D): tf.Tensor1D {
    const s = this.std;
    return tf.sub(tf.mul(tf.sum(tf.square(z), 1), -0.5 / (s * s)), LOG_2PI + 2 * Math.log(s)) as tf.Tensor1D;
  }
}

export interface GaussianMixtureOptions {
  /** Number of components (classes), default 10. */
  components?: number;
  /** Distance of each component mean from the origin, default 1.4. */
  radius?: number;
  /** Std along the radial direction of each component, default 0.5. */
  radialStd?: number;
  /** Std across (tangential to) the radial direction, default 0.1. */
  tangentialStd?: number;
}

const GM_KEYS = ['components', 'radius', 'radialStd', 'tangentialStd'] as const;

/**
 * The AAE-style Gaussian mixture (reference `GaussMixPrior`, spec §9.5): component i at angle
 * r_i = 2 pi i / K, mean radius * (cos r_i, sin r_i), covariance R(r_i) diag(radialStd^2,
 * tangentialStd^2) R(r_i)^T, equal weights. Closed-form density. (The reference samples with
 * K = the dataset's class count but always evaluates 10 components; here both use `components`.)
 */
export class GaussianMixture extends Prior2D {
  readonly name = 'GaussianMixture';
  readonly radius: number;
  readonly radialStd: number;
  readonly tangentialStd: number;

  constructor(options: GaussianMixtureOptions = {}, classIndex: number | null = null) {
    checkOptionKeys('GaussianMixture', options, GM_KEYS);
    const k = positiveInt('GaussianMixture', 'components', options.components, 10);
    super(k, classIndex);
    this.radius = nonNegative('GaussianMixture', 'radius', options.radius, 1.4);
    this.radialStd = positive('GaussianMixture', 'radialStd', options.radialStd, 0.5);
    this.tangentialStd = positive('GaussianMixture', 'tangentialStd', options.tangentialStd, 0.1);
    if (classIndex !== null) this.checkClass(classIndex);
  }

  get options(): Required<GaussianMixtureOptions> {
    return { components: this.numClasses, radius: this.radius, radialStd: this.radialStd, tangentialStd: this.tangentialStd };
  }

  conditional(c: number): GaussianMixture {
    return new GaussianMixture(this.options, this.checkClass(c));
  }

  /** Mean of component c, [x, y]. */
  componentMean(c: number): [number, number] {
    const r = (2 * Math.PI * c) / this.numClasses;
    return [this.radius * Math.cos(r), this.radius * Math.sin(r)];
  }

  mean(): tf.Tensor {
    const cs = this.activeClasses;
    let mx = 0;
    let my = 0;
    for (const c of cs) {
      const [x, y] = this.componentMean(c);
      mx += x / cs.length;
      my += y / cs.length;
    }
    return tf.tensor1d([mx, my]);
  }

  protected sampleGivenLabels(seed: SeedStream, labels: tf.Tensor1D): tf.Tensor2D {
    const n = labels.shape[0];
    const xs = tf.randomNormal([n], 0, this.radialStd, 'float32', seed.next());
    const ys = tf.randomNormal([n], 0, this.tangentialStd, 'float32', seed.next());
    const r = tf.mul(tf.cast(labels, 'float32'), (2 * Math.PI) / this.numClasses);
    const c = tf.cos(r);
    const s = tf.sin(r);
    const zx = tf.add(tf.sub(tf.mul(xs, c), tf.mul(ys, s)), tf.mul(c, this.radius));
    const zy = tf.add(tf.add(tf.mul(xs, s), tf.mul(ys, c)), tf.mul(s, this.radius));
    return tf.stack([zx, zy], 1) as tf.Tensor2D;
  }

  protected logProbFlat(z: tf.Tensor2D): tf.Tensor1D {
    const cs = this.activeClasses;
    const ang = cs.map((c) => (2 * Math.PI * c) / this.numClasses);
    // u = R(-r)(z - mu): u1 = cos r z1 + sin r z2 - radius, u2 = -sin r z1 + cos r z2
    const radial = tf.matMul(z, tf.tensor2d([ang.map(Math.cos), ang.map(Math.sin)]));
    const tangential = tf.matMul(z, tf.tensor2d([ang.map((a) => -Math.sin(a)), ang.map(Math.cos)]));
    const u1 = tf.div(tf.sub(radial, this.radius), this.radialStd);
    const u2 = tf.div(tangential, this.tangentialStd);
    const comp = tf.mul(tf.add(tf.square(u1), tf.square(u2)), -0.5);
    const c0 = LOG_2PI + Math.log(this.radialStd * this.tangentialStd) - this.logClassWeight;
    return tf.sub(tf.logSumExp(comp, 1), c0) as tf.Tensor1D;
  }
}
