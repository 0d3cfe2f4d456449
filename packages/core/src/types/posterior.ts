import type * as tf from '@tensorflow/tfjs-core';
import type { EpochRecord } from '../checkpoint/checkpoint';
import type { SeedStream } from '../random/seed_stream';
import type { Batch } from './dataset';
import type { Distribution } from './distribution';
import type { Model } from './model';
import type { SerializedModule } from './serialized';

/** What a family can do; objectives and benchmarks read these flags, never family names. */
export interface PosteriorCapabilities {
  /** `logQ` is an exact log-density (or an exact auxiliary-variable log-ratio), so bounds are valid. */
  hasDensity: boolean;
  /** Several samples per x can be importance-weighted (needs hasDensity). */
  supportsIWAE: boolean;
  /** `sample` uses a label when given one (semi-supervised variants). */
  supportsLabels: boolean;
}

export interface SampleOptions {
  seed: SeedStream;
  /** Dropout and other train-only behaviour is on when true. */
  training: boolean;
  label?: tf.Tensor1D;
}

/** One reparameterized draw z ~ q(z | x) per row of x, with what the bound needs. */
export interface PosteriorSample {
  /** [batch, latentSize], differentiable with respect to the posterior's variables. */
  z: tf.Tensor2D;
  /**
   * [batch]: log q(z | x) for families with a density; for auxiliary-variable families (DDVI) the
   * log-ratio log q(z, y | x) - log r(y | z), which gives the same kind of valid bound.
   * Families without a density (AAE) return zeros and declare `hasDensity: false`.
   */
  logQ: tf.Tensor1D;
  /**
   * q(z | x) itself when `z` was drawn from that known distribution (mean-field), so an objective
   * may replace Monte Carlo terms with a closed-form KL against the prior. Only `drawFrom(q, seed)`
   * makes one, tied to the z it drew; objectives reject it for any other z. A family whose z is
   * not a draw of q (a flow's transformed base sample) leaves it out.
   */
  distribution?: SampledDistribution;
  /** Extra per-example diagnostics ([batch] each) the family wants reported. */
  diagnostics?: Record<string, tf.Tensor1D>;
  /**
   * A training signal that replaces the bound's regularizer when the exact one trains poorly
   * (DDVI's wake term, spec D3). Objectives use it only when training; reported bounds always use
   * `logQ`. Absent for families that train on the bound itself.
   */
  surrogate?: TrainingSurrogate;
}

declare const drawnFromBrand: unique symbol;

/**
 * A distribution q(z | x) together with the z drawn from it, made only by `drawFrom` (the brand
 * keeps a hand-built object from type-checking): the proof an objective needs before it treats q
 * as the law of the sample's z.
 */
export interface SampledDistribution {
  /** q(z | x). */
  readonly q: Distribution;
  /** The z drawn from q; a sample whose `z` is another tensor must not use q. */
  readonly z: tf.Tensor2D;
  readonly [drawnFromBrand]: true;
}

/**
 * What a training loss uses in place of log q: the regularizer becomes
 * beta * (logQ - log p(z)) + penalty, both per example [batch]. Naming the pieces (rather than
 * handing over a finished loss) keeps the prior, the reconstruction and beta in the objective.
 */
export interface TrainingSurrogate {
  /** Stands in for logQ in the KL-like term (DDVI reference: KL(q(y_T | x) || N(0, I))). */
  logQ: tf.Tensor1D;
  /** Added to the loss as is, already weighted by the family (DDVI: the wake denoising term). */
  penalty: tf.Tensor1D;
}

export interface AuxiliaryContext {
  model: Model;
  batch: Batch;
  seed: SeedStream;
  epoch: number;
  step: number;
  /** Total epochs of the run, for schedules that depend on it (the AAE's discriminator noise). */
  epochs?: number;
  /**
   * Records a named scalar diagnostic of this update (e.g. the discriminator's accuracy); the
   * trainer reports it per step and per epoch like the loss. Absent outside the trainer.
   */
  report?(name: string, value: tf.Scalar): void;
}

/**
 * A loss a family trains besides the bound (DDVI's sleep term, the AAE's discriminator), each with
 * the variables it updates; the trainer runs each as its own optimizer step after the main one.
 */
export interface AuxiliaryLoss {
  name: string;
  /** The variables this loss updates, named as its owner's namedVariables() names them (bare); the naming rule: train/variable_names.ts. */
  variables: string[];
  /** How many updates per minibatch (DDVI: 3 sleep updates per wake update). */
  repeats?: number;
  /** Its own Adam learning rate (default: the trainer's auxLearningRate, else its learningRate). */
  learningRate?: number;
  loss(context: AuxiliaryContext): tf.Scalar;
}

/** A named stage of training (e.g. DDVI warm-up with a frozen decoder) a family can ask for. */
export interface PhaseSpec {
  name: string;
  /** Fraction of the total epochs (the fractions of all phases sum to 1), or an absolute count. */
  epochs: { fraction: number } | { count: number };
  /** Which variables the main objective updates in this phase, by qualified name (`model/...`, `posterior/...`; train/variable_names.ts). */
  trainable: (qualifiedName: string) => boolean;
}

/**
 * An amortized posterior q(z | x): the one interface every family implements (mean-field
 * Gaussian, DDVI diffusion, flows, AAE), so any of them drops into the same model and objective.
 */
export interface Posterior {
  readonly family: string;
  readonly latentSize: number;
  readonly dataSize: number;
  readonly capabilities: PosteriorCapabilities;
  sample(x: tf.Tensor2D, options: SampleOptions): PosteriorSample;
  /**
   * `n` draws per row of x, draw-major ([n * batch] rows; row i * batch + j is draw i of row j),
   * with the law and, under the same seed, the draws of `sample` on x tiled `n` times. A family
   * implements it to run its networks of x once per row instead of once per draw: the IWAE's 50
   * draws otherwise repeat the encoder's work 50 times (a standard cell's IWAE runs 1.4-2x faster
   * without: scripts/bench-iwae.mjs). While `training` it should sample the tiled x, so each
   * draw keeps its own dropout mask (`sampleTiled`). Absent: objectives tile x (`sampleDraws`).
   */
  sampleDraws?(x: tf.Tensor2D, n: number, options: SampleOptions): PosteriorSample;
  /** Extra training losses; an empty array for families that train on the bound alone. */
  auxiliaryLosses(): AuxiliaryLoss[];
  /** Training phases the family needs; undefined means one phase that trains everything. */
  phases?(): PhaseSpec[];
  /**
   * Called by the trainer at the end of every epoch (after evaluation, before the checkpoint) with
   * that epoch's record and the whole history including it. Returns a reason when training has
   * diverged (e.g. an adversary's accuracy pinned at 0 or 1 for several epochs); the trainer then
   * stops with a DivergenceError and keeps the previous epoch's checkpoint.
   */
  checkHealth?(record: EpochRecord, history: readonly EpochRecord[]): string | undefined;
  /**
   * pi(c | x) [batch, K], the class probabilities of a semi-supervised posterior's classifier
   * (its argmax classifies x); absent for families without one.
   */
  classProbabilities?(x: tf.Tensor2D): tf.Tensor2D;
  namedVariables(): Record<string, tf.Variable>;
  toJSON(): SerializedModule;
  dispose(): void;
}

/** Everything a family's factory receives: the sizes the model fixes, the seed, and its options. */
export interface PosteriorInit<C = Record<string, unknown>> extends PosteriorContext {
  latentSize: number;
  dataSize: number;
  seed: number;
  config?: Partial<C>;
}

/** What a posterior may know of the model it serves, when it is created or rebuilt from JSON. */
export interface PosteriorContext {
  /**
   * The model's prior p(z), for a family that uses its log-density inside q (DDVI's prior
   * guidance); families that do not use it ignore it.
   */
  prior?: Distribution;
}
