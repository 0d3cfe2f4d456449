import * as tf from '@tensorflow/tfjs-core';
import { checkPositiveInt, invalid, toSeedStream, ValidationError } from '@ddvi/core';
import type { ClassAwarePrior, SeedLike, SeedStream } from '@ddvi/core';
import { DistributionBase } from '../distribution';

/** A draw of `n` prior samples with the class each came from. */
export interface ClassSample {
  /** Samples, float32 `[n, 2]`. */
  z: tf.Tensor2D;
  /** Class (arm, segment, component) of each sample, int32 `[n]`. */
  label: tf.Tensor1D;
}

/**
 * Base of the paper's 2-D priors (event shape `[2]`, batch shape `[]`). Each prior is a uniform
 * mixture over `numClasses` classes (pinwheel arms, swiss-roll or square segments, mixture
 * components); `conditional(c)` is the class-c part, with the same API. Samples are not
 * reparameterized (the priors have no trainable parameters); `logProb` is differentiable in z.
 *
 * `sample(seed, [n])` and `sampleWithClass(seed, n).z` give the same points for the same seed.
 */
export abstract class Prior2D extends DistributionBase implements ClassAwarePrior {
  readonly reparameterized = false;

  protected constructor(
    /** Number of classes K of the unconditional prior. */
    readonly numClasses: number,
    /** The class this prior is conditioned on, or null for the full mixture. */
    readonly classIndex: number | null,
  ) {
    super([], [2]);
  }

  /** The class-c prior (c in 0..numClasses-1): same API, samples carry label c. */
  abstract conditional(c: number): Prior2D;

  /** Draws n samples and their classes; labels are uniform over the classes (all c for a conditional prior). */
  sampleWithClass(seed: SeedLike, n: number): ClassSample {
    checkPositiveInt(`${this.name}.sampleWithClass`, 'n', n);
    return tf.tidy(() => {
      const s = toSeedStream(seed);
      const label = this.drawLabels(s, n);
      const z = this.sampleGivenLabels(s, label);
      return { z, label };
    });
  }

  /** Samples `[n, 2]` given int32 labels `[n]` (float32, no gradient). */
  protected abstract sampleGivenLabels(seed: SeedStream, labels: tf.Tensor1D): tf.Tensor2D;

  /** log p(z) for z `[m, 2]`, returning `[m]`. */
  protected abstract logProbFlat(z: tf.Tensor2D): tf.Tensor1D;

  protected sampleImpl(seed: SeedStream, sampleShape: number[]): tf.Tensor {
    const n = sampleShape.reduce((a, b) => a * b, 1);
    const z = this.sampleGivenLabels(seed, this.drawLabels(seed, n));
    return tf.reshape(z, [...sampleShape, 2]);
  }

  protected logProbImpl(value: tf.Tensor): tf.Tensor {
    if (value.dtype !== 'float32') {
      throw new ValidationError(`${this.name}.logProb: value must be a float32 tensor, got dtype ${value.dtype}`);
    }
    const flat = tf.reshape(value, [-1, 2]) as tf.Tensor2D;
    return tf.reshape(this.logProbFlat(flat), value.shape.slice(0, -1));
  }

  /** Validates a class index against numClasses (and the class this prior is already conditioned on). */
  protected checkClass(c: number): number {
    if (!Number.isInteger(c) || c < 0 || c >= this.numClasses) {
      invalid(`${this.name}.conditional`, 'c', `an integer in [0, ${this.numClasses - 1}]`, c);
    }
    if (this.classIndex !== null && c !== this.classIndex) {
      throw new ValidationError(
        `${this.name}.conditional: this prior is already conditioned on class ${this.classIndex}; class ${c} has probability 0 under it`,
      );
    }
    return c;
  }

  /** log of the class weight for mixture sums: -log K for the full prior, 0 for a conditional one. */
  protected get logClassWeight(): number {
    return this.classIndex === null ? -Math.log(this.numClasses) : 0;
  }

  /** The classes the density sums over. */
  protected get activeClasses(): number[] {
    return this.classIndex === null ? Array.from({ length: this.numClasses }, (_, i) => i) : [this.classIndex];
  }

  private drawLabels(seed: SeedStream, n: number): tf.Tensor1D {
    if (this.classIndex !== null) return tf.fill([n], this.classIndex, 'int32') as tf.Tensor1D;
    const u = tf.randomUniform([n], 0, this.numClasses, 'float32', seed.next());
    return tf.clipByValue(tf.cast(tf.floor(u), 'int32'), 0, this.numClasses - 1) as tf.Tensor1D;
  }
}

/** Throws a ValidationError naming unknown option keys and the known ones. */
export function checkOptionKeys(where: string, options: object | undefined, known: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    invalid(where, 'options', 'an object', options);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ValidationError(`${where}: unknown option ${JSON.stringify(key)}; known options: ${known.join(', ')}`);
    }
  }
}

/** `value` (default when undefined) must be a finite number >= 0. */
export function nonNegative(where: string, param: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) invalid(where, param, 'a finite number >= 0', v);
  return v;
}

/** `value` (default when undefined) must be a finite number > 0. */
export function positive(where: string, param: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) invalid(where, param, 'a finite number > 0', v);
  return v;
}

/** `value` (default when undefined) must be an integer >= 1. */
export function positiveInt(where: string, param: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) invalid(where, param, 'an integer >= 1', v);
  return v;
}

/** Uploads a float64 host array as float32 `[n]`. */
export function vec(values: ArrayLike<number>): tf.Tensor1D {
  return tf.tensor1d(Float32Array.from(values as ArrayLike<number>), 'float32');
}
