import * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from '@ddvi/core';
import type { SeedStream } from '@ddvi/core';
import { DistributionBase } from '../distribution';
import type { Prior2D } from './prior';

/**
 * The prior of a semi-supervised batch, row by row: p(z_i | c_i) for a row whose label c_i is a
 * class in [0, K), and the whole mixture p(z_i) for a row marked unlabelled (any label outside
 * [0, K), by convention K). So one bound serves a batch that mixes both: a labelled row is scored
 * under its class's part of the prior (spec §5.1), an unlabelled one under the marginal.
 *
 * Batch shape [n] (one row per label), event shape [2].
 */
export class LabelledPrior extends DistributionBase {
  readonly name = 'LabelledPrior';
  readonly reparameterized = false;
  readonly numClasses: number;
  private readonly parts: Prior2D[];

  constructor(
    readonly base: Prior2D,
    /** int32 [n]: a class in [0, K), or anything else for "unlabelled". */
    readonly labels: tf.Tensor1D,
    /** base.conditional(c) for every c, when the caller keeps them (built here otherwise). */
    parts?: readonly Prior2D[],
  ) {
    if (labels.rank !== 1) throw new ValidationError(`LabelledPrior: labels must be a 1-D tensor [n], got shape [${labels.shape.join(', ')}]`);
    if (labels.dtype !== 'int32') throw new ValidationError(`LabelledPrior: labels must be int32, got ${labels.dtype}`);
    if (base.classIndex !== null) throw new ValidationError(`LabelledPrior: the base prior must be the whole mixture, not its class-${base.classIndex} part`);
    super([labels.shape[0]], [2]);
    this.numClasses = base.numClasses;
    if (parts !== undefined && parts.length !== base.numClasses) {
      throw new ValidationError(`LabelledPrior: parts must hold the ${base.numClasses} class priors, got ${parts.length}`);
    }
    this.parts = parts ? [...parts] : Array.from({ length: base.numClasses }, (_, c) => base.conditional(c));
  }

  /** [n, K] boolean: row i is labelled with class c. */
  private classMask(): tf.Tensor2D {
    const classes = tf.range(0, this.numClasses, 1, 'int32');
    return tf.equal(tf.expandDims(this.labels, 1), tf.expandDims(classes, 0)) as tf.Tensor2D;
  }

  protected logProbImpl(value: tf.Tensor): tf.Tensor {
    const n = this.labels.shape[0];
    if (value.rank !== 2 || value.shape[0] !== n) {
      throw new ValidationError(`LabelledPrior.logProb: value must have shape [${n}, 2] (one row per label), got [${value.shape.join(', ')}]`);
    }
    const z = value as tf.Tensor2D;
    // log p(z | c) for every class: [n, K]. The conditionals each sum over one class, so together
    // they cost about one evaluation of the whole mixture.
    const perClass = tf.stack(this.parts.map((p) => p.logProb(z)), 1) as tf.Tensor2D;
    const marginal = tf.sub(tf.logSumExp(perClass, 1), Math.log(this.numClasses));
    const mask = this.classMask();
    // where(), not a one-hot product: a class's density can be -inf far from it, and 0 * -inf is NaN.
    const labelled = tf.sum(tf.where(mask, perClass, tf.zerosLike(perClass)), 1);
    const isLabelled = tf.any(mask, 1);
    return tf.where(isLabelled, labelled, marginal);
  }

  protected sampleImpl(seed: SeedStream, sampleShape: number[]): tf.Tensor {
    const n = this.labels.shape[0];
    const m = sampleShape.reduce((a, b) => a * b, 1);
    const whole = this.base.sample(seed.next(), [m, n]) as tf.Tensor3D;
    const mask = this.classMask();
    let out = whole;
    this.parts.forEach((p, c) => {
      const draw = p.sample(seed.next(), [m, n]) as tf.Tensor3D;
      const rowIsC = tf.reshape(tf.slice(mask, [0, c], [n, 1]), [1, n, 1]);
      out = tf.where(tf.broadcastTo(rowIsC, draw.shape), draw, out);
    });
    return tf.reshape(out, [...sampleShape, n, 2]);
  }

  /** Rows' means: the class part's mean where labelled, the mixture's otherwise. */
  mean(): tf.Tensor {
    return tf.tidy(() => {
      const n = this.labels.shape[0];
      const mask = this.classMask();
      let out = tf.broadcastTo(tf.reshape(this.base.mean(), [1, 2]), [n, 2]);
      this.parts.forEach((p, c) => {
        const rowIsC = tf.broadcastTo(tf.slice(mask, [0, c], [n, 1]), [n, 2]);
        out = tf.where(rowIsC, tf.broadcastTo(tf.reshape(p.mean(), [1, 2]), [n, 2]), out);
      });
      return out;
    });
  }
}
