import * as tf from '@tensorflow/tfjs-core';
import type { SeedStream } from '@ddvi/core';
import { DistributionBase } from './distribution';
import { positive, real } from './constraints';
import { broadcastShapes, checkConstraint, checkMinRank, toParam } from './internal/params';
import type { DistributionOptions, ParamInput } from './internal/params';
import { normalEntropy, normalLogDensity } from './internal/math';

/**
 * The normal distribution N(loc, scale^2) elementwise, with the last `eventDims` axes (0 or 1) of
 * `broadcast(loc.shape, scale.shape)` read as one event, as TFP's and Pyro's `Independent` wrapper
 * does: `Normal` is eventDims 0 (scalar events), `DiagNormal` eventDims 1 (a diagonal Gaussian over
 * the last axis, whose log-density and entropy sum over it). Both share this parameter checking,
 * moments and sampler; `rsample` is `loc + scale * eps`.
 */
export abstract class NormalBase extends DistributionBase {
  static readonly paramConstraints = { loc: real, scale: positive } as const;
  static readonly support = real;

  readonly reparameterized = true;
  /** As given (not broadcast). */
  readonly loc: tf.Tensor;
  /** As given (not broadcast). */
  readonly scale: tf.Tensor;

  protected constructor(name: string, eventDims: 0 | 1, loc: ParamInput, scale: ParamInput, options: DistributionOptions) {
    const p = prepare(name, eventDims, loc, scale, options.validateArgs ?? true);
    super(p.shape.slice(0, p.shape.length - eventDims), p.shape.slice(p.shape.length - eventDims));
    this.loc = p.loc;
    this.scale = p.scale;
    this.own(...p.created);
  }

  mean(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(this.loc, this.fullShape()));
  }

  /** Per-coordinate variance scale^2, shape `[...batchShape, ...eventShape]`. */
  variance(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.square(this.scale), this.fullShape()));
  }

  /** Per-coordinate standard deviation, shape `[...batchShape, ...eventShape]`. */
  stddev(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(this.scale, this.fullShape()));
  }

  /** Closed-form entropy (summed over the event axis), shape `batchShape`. */
  entropy(): tf.Tensor {
    return tf.tidy(() => this.sumEvent(tf.broadcastTo(normalEntropy(this.scale), this.fullShape())));
  }

  protected sampleImpl(seed: SeedStream, sampleShape: number[]): tf.Tensor {
    const eps = tf.randomNormal([...sampleShape, ...this.fullShape()], 0, 1, 'float32', seed.next());
    return tf.add(this.loc, tf.mul(this.scale, eps));
  }

  protected logProbImpl(value: tf.Tensor): tf.Tensor {
    return this.sumEvent(normalLogDensity(value, this.loc, this.scale));
  }

  private sumEvent(t: tf.Tensor): tf.Tensor {
    return this.eventShape.length === 0 ? t : tf.sum(t, -1);
  }

  protected fullShape(): number[] {
    return [...this.batchShape, ...this.eventShape];
  }
}

function prepare(name: string, eventDims: 0 | 1, loc: ParamInput, scale: ParamInput, validate: boolean) {
  const l = toParam(name, 'loc', loc);
  const s = toParam(name, 'scale', scale);
  const created = [l, s].filter((p) => p.created).map((p) => p.tensor);
  try {
    const shape = broadcastShapes(name, { loc: l.tensor.shape, scale: s.tensor.shape });
    if (eventDims === 1) checkMinRank(name, 'loc and scale (broadcast)', shape, 1, 'the last axis is the event axis; use Normal for scalars');
    if (validate) {
      checkConstraint(name, 'loc', l.tensor, NormalBase.paramConstraints.loc);
      checkConstraint(name, 'scale', s.tensor, NormalBase.paramConstraints.scale);
    }
    return { loc: l.tensor, scale: s.tensor, shape, created };
  } catch (e) {
    for (const t of created) t.dispose();
    throw e;
  }
}
