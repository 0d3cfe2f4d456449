import * as tf from '@tensorflow/tfjs-core';
import { stopGradient, toSeedStream, ValidationError } from '@ddvi/core';
import type { Distribution, SeedLike, SeedStream } from '@ddvi/core';

/**
 * Base class: the public methods check shapes and wrap work in `tf.tidy`; subclasses write only
 * the math in the protected hooks (`sampleImpl`, `logProbImpl`), as TFP's `_log_prob` pattern.
 *
 * Shapes: `sample(seed, sampleShape)` is `[...sampleShape, ...batchShape, ...eventShape]`;
 * `logProb(value)` takes `[...anything, ...batchShape, ...eventShape]` (batch dims broadcast) and
 * returns it without the event dims.
 *
 * Memory: every public method returns a fresh tensor the caller owns. Parameters given as tensors
 * stay the caller's; tensors a distribution creates (from numbers, casts) are freed by `dispose()`,
 * or by the enclosing `tf.tidy` when the distribution is built inside one (the usual case in a
 * training step, together with `validateArgs: false`).
 */
export abstract class DistributionBase implements Distribution {
  abstract readonly name: string;
  abstract readonly reparameterized: boolean;

  /** Tensors this distribution created (from numbers, casts, reparameterizations); see dispose(). */
  private readonly ownedTensors: tf.Tensor[] = [];

  protected constructor(
    readonly batchShape: readonly number[],
    readonly eventShape: readonly number[],
  ) {}

  /**
   * Frees the tensors this distribution created itself (parameters given as numbers, casts,
   * `fromLogVariance` scales). Tensors the caller passed in stay the caller's. Safe to call twice;
   * a distribution built inside `tf.tidy` needs no dispose.
   */
  dispose(): void {
    for (const t of this.ownedTensors) t.dispose();
    this.ownedTensors.length = 0;
  }

  /** Records tensors created by this distribution so dispose() frees them. */
  protected own(...tensors: tf.Tensor[]): void {
    this.ownedTensors.push(...tensors);
  }

  sample(seed: SeedLike, sampleShape: readonly number[] = []): tf.Tensor {
    this.checkSampleShape(sampleShape);
    return tf.tidy(() => stopGradient(this.sampleImpl(toSeedStream(seed), [...sampleShape])));
  }

  rsample(seed: SeedLike, sampleShape: readonly number[] = []): tf.Tensor {
    if (!this.reparameterized) {
      throw new ValidationError(`${this.name}: rsample is not available because it is not reparameterizable; use sample`);
    }
    this.checkSampleShape(sampleShape);
    return tf.tidy(() => this.sampleImpl(toSeedStream(seed), [...sampleShape]));
  }

  logProb(value: tf.Tensor): tf.Tensor {
    this.checkValueShape(value);
    const dtype = this.valueDtype;
    return tf.tidy(() => this.logProbImpl(value.dtype === dtype ? value : tf.cast(value, dtype)));
  }

  /** The dtype logProbImpl receives (values of other dtypes are cast): float32, int32 for labels. */
  protected get valueDtype(): 'float32' | 'int32' {
    return 'float32';
  }

  abstract mean(): tf.Tensor;

  protected abstract sampleImpl(seed: SeedStream, sampleShape: number[]): tf.Tensor;
  protected abstract logProbImpl(value: tf.Tensor): tf.Tensor;

  private checkSampleShape(sampleShape: readonly number[]): void {
    if (!sampleShape.every((d) => Number.isInteger(d) && d >= 1)) {
      throw new ValidationError(`${this.name}: sampleShape must be a list of integers >= 1, got [${sampleShape.join(', ')}]`);
    }
  }

  /** The value's trailing dims must equal eventShape and broadcast against batchShape. */
  protected checkValueShape(value: tf.Tensor): void {
    const e = this.eventShape.length;
    const shape = value.shape;
    const tail = shape.slice(shape.length - e);
    const eventOk = shape.length >= e && tail.every((d, i) => d === this.eventShape[i]);
    const batch = shape.slice(0, shape.length - e);
    const b = this.batchShape;
    const batchOk = b.every((d, i) => {
      const v = batch[batch.length - b.length + i];
      return v === undefined || v === d || v === 1 || d === 1;
    });
    if (!eventOk || !batchOk) {
      throw new ValidationError(
        `${this.name}.logProb: value must have shape [..., ${[...b, ...this.eventShape].join(', ')}] ` +
          `(batch shape [${b.join(', ')}], event shape [${this.eventShape.join(', ')}]), got [${shape.join(', ')}]`,
      );
    }
  }
}
