import * as tf from '@tensorflow/tfjs-core';
import { LOG_2PI, SeedStream } from '@ddvi/core';
import { checkOptionKeys, nonNegative, positive, positiveInt, Prior2D } from './prior';


export interface LearnedMixtureOptions {
  /** Number of clusters K (spec §5.2: n_clusters 20). */
  components?: number;
  /** Std of every component, fixed (spec: tiny_gauss, 0.125). */
  std?: number;
  /** Hinge margin eta on the distance between two cluster means (spec: 1.5). */
  margin?: number;
  /** Means are kept inside [-box, box]^2 by a penalty (spec: 2.5). */
  box?: number;
  /** Weight of the box penalty (spec: 100). */
  boxWeight?: number;
  /** Seed of the means' initialisation U[0, 0.1) (the reference's). */
  seed?: number;
}

const KEYS = ['components', 'std', 'margin', 'box', 'boxWeight', 'seed'] as const;

/** A prior with parameters of its own, which the model that owns it trains with its decoder. */
export interface LearnablePrior {
  /** Trainable variables, keyed by a stable name (the model prefixes them). */
  namedVariables(): Record<string, tf.Variable>;
  /** A penalty the model adds as an auxiliary loss on these variables (e.g. keeping clusters apart). */
  regularizer(): tf.Scalar;
  dispose(): void;
}

export function isLearnablePrior(p: unknown): p is LearnablePrior {
  return typeof p === 'object' && p !== null && typeof (p as LearnablePrior).namedVariables === 'function' && typeof (p as LearnablePrior).regularizer === 'function';
}

/**
 * The clustering prior of the spec's 1000 Genomes variants (§5.2): z = e + W onehot(c), c uniform
 * over K clusters, e ~ N(0, std^2 I), with the cluster means W [K, 2] learned. The density is the
 * closed-form mixture (1/K) sum_c N(z; W_c, std^2 I), differentiable in W, so the bound's log p(z)
 * term fits the means to the latents (as in a GMVAE); `regularizer()` is the reference's
 * cluster loss, which keeps the means apart (a hinge on every pair's distance) and inside a box.
 * The reference trains W on that loss plus its prior-diffusion loss; here W follows the bound and
 * the regularizer, which any posterior family can use. Its class parts share the variable.
 */
export class LearnedMixture extends Prior2D implements LearnablePrior {
  readonly name = 'LearnedMixture';
  readonly std: number;
  readonly margin: number;
  readonly box: number;
  readonly boxWeight: number;
  readonly seed: number;
  readonly means: tf.Variable;

  constructor(options: LearnedMixtureOptions = {}, classIndex: number | null = null, shared?: tf.Variable) {
    checkOptionKeys('LearnedMixture', options, KEYS);
    const k = positiveInt('LearnedMixture', 'components', options.components, 20);
    super(k, classIndex);
    this.std = positive('LearnedMixture', 'std', options.std, 0.125);
    this.margin = nonNegative('LearnedMixture', 'margin', options.margin, 1.5);
    this.box = positive('LearnedMixture', 'box', options.box, 2.5);
    this.boxWeight = nonNegative('LearnedMixture', 'boxWeight', options.boxWeight, 100);
    this.seed = nonNegative('LearnedMixture', 'seed', options.seed, 0);
    if (classIndex !== null) this.checkClass(classIndex);
    this.means = shared ?? tf.tidy(() => tf.variable(tf.randomUniform([k, 2], 0, 0.1, 'float32', new SeedStream(this.seed).fork('means').next()), true));
  }

  get options(): Required<LearnedMixtureOptions> {
    return { components: this.numClasses, std: this.std, margin: this.margin, box: this.box, boxWeight: this.boxWeight, seed: this.seed };
  }

  conditional(c: number): LearnedMixture {
    return new LearnedMixture(this.options, this.checkClass(c), this.means);
  }

  namedVariables(): Record<string, tf.Variable> {
    return { means: this.means };
  }

  /**
   * mean over distinct pairs (a, b) of max(0, margin - ||W_a - W_b||) + boxWeight * mean(relu(|W| - box)):
   * the expectation of the reference's loss over random pairs of clusters, computed exactly.
   */
  regularizer(): tf.Scalar {
    return tf.tidy(() => {
      const k = this.numClasses;
      const w = this.means as tf.Tensor2D;
      const sq = tf.sum(tf.square(tf.sub(tf.expandDims(w, 1), tf.expandDims(w, 0))), 2);
      // +1e-12 keeps the sqrt's gradient finite on the diagonal, which the off-diagonal mask then drops.
      const dist = tf.sqrt(tf.add(sq, 1e-12));
      const offDiagonal = tf.sub(tf.ones([k, k]), tf.eye(k));
      const hinge = k > 1 ? tf.div(tf.sum(tf.mul(tf.relu(tf.sub(this.margin, dist)), offDiagonal)), k * (k - 1)) : tf.scalar(0);
      const outside = tf.add(tf.mean(tf.relu(tf.sub(w, this.box))), tf.mean(tf.relu(tf.sub(tf.neg(w), this.box))));
      return tf.add(hinge, tf.mul(outside, this.boxWeight)) as tf.Scalar;
    });
  }

  mean(): tf.Tensor {
    return tf.tidy(() => (this.classIndex === null ? tf.mean(this.means, 0) : tf.squeeze(tf.slice(this.means, [this.classIndex, 0], [1, 2]), [0])));
  }

  protected sampleGivenLabels(seed: SeedStream, labels: tf.Tensor1D): tf.Tensor2D {
    const classes = tf.range(0, this.numClasses, 1, 'int32');
    // One-hot by comparison and a matmul: gather's gradient throws on the wasm backend.
    const onehot = tf.cast(tf.equal(tf.expandDims(labels, 1), tf.expandDims(classes, 0)), 'float32');
    const centres = tf.matMul(onehot, this.means);
    return tf.add(centres, tf.randomNormal([labels.shape[0], 2], 0, this.std, 'float32', seed.next())) as tf.Tensor2D;
  }

  protected logProbFlat(z: tf.Tensor2D): tf.Tensor1D {
    const s = this.std;
    const w = this.classIndex === null ? this.means : tf.slice(this.means, [this.classIndex, 0], [1, 2]);
    const sq = tf.sum(tf.square(tf.sub(tf.expandDims(z, 1), tf.expandDims(w, 0))), 2);
    const perComponent = tf.sub(tf.mul(sq, -0.5 / (s * s)), LOG_2PI + 2 * Math.log(s));
    return tf.add(tf.logSumExp(perComponent, 1), this.logClassWeight) as tf.Tensor1D;
  }

  override dispose(): void {
    if (this.classIndex === null) this.means.dispose();
    super.dispose();
  }
}
