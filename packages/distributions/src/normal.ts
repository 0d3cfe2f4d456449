import * as tf from '@tensorflow/tfjs-core';
import type { SeedStream } from '@ddvi/core';
import { DistributionBase } from './distribution';
import { positive, real } from './constraints';
import { broadcastShapes, checkConstraint, toParam } from './internal/params';
import type { DistributionOptions, ParamInput } from './internal/params';
import { normalEntropy, normalLogDensity } from './internal/math';

const NAME = 'Normal';

/**
 * Univariate normal N(loc, scale^2): scalar event, batch shape `broadcast(loc.shape, scale.shape)`.
 * `sample(seed, [n])` has shape `[n, ...batchShape]`; `rsample` is `loc + scale * eps`.
 * For a vector-valued variable whose log-density sums over the last axis, use DiagNormal.
 *
 * @example
 * const n = new Normal(0, [1, 2, 3]);     // batch shape [3]
 * n.logProb(tf.zeros([3]));               // [-0.919, -1.612, -2.018]
 */
export class Normal extends DistributionBase {
  static readonly paramConstraints = { loc: real, scale: positive } as const;
  static readonly support = real;

  readonly name = NAME;
  readonly reparameterized = true;
  /** As given (not broadcast). */
  readonly loc: tf.Tensor;
  /** As given (not broadcast). */
  readonly scale: tf.Tensor;

  constructor(loc: ParamInput, scale: ParamInput, options: DistributionOptions = {}) {
    const p = prepare(loc, scale, options.validateArgs ?? true);
    super(p.shape, []);
    this.loc = p.loc;
    this.scale = p.scale;
    this.own(...p.created);
  }

  mean(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(this.loc, [...this.batchShape]));
  }

  variance(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.square(this.scale), [...this.batchShape]));
  }

  stddev(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(this.scale, [...this.batchShape]));
  }

  entropy(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(normalEntropy(this.scale), [...this.batchShape]));
  }

  protected sampleImpl(seed: SeedStream, sampleShape: number[]): tf.Tensor {
    const eps = tf.randomNormal([...sampleShape, ...this.batchShape], 0, 1, 'float32', seed.next());
    return tf.add(this.loc, tf.mul(this.scale, eps));
  }

  protected logProbImpl(value: tf.Tensor): tf.Tensor {
    return normalLogDensity(value, this.loc, this.scale);
  }
}

function prepare(loc: ParamInput, scale: ParamInput, validate: boolean) {
  const l = toParam(NAME, 'loc', loc);
  const s = toParam(NAME, 'scale', scale);
  const created = [l, s].filter((p) => p.created).map((p) => p.tensor);
  try {
    const shape = broadcastShapes(NAME, { loc: l.tensor.shape, scale: s.tensor.shape });
    if (validate) {
      checkConstraint(NAME, 'loc', l.tensor, Normal.paramConstraints.loc);
      checkConstraint(NAME, 'scale', s.tensor, Normal.paramConstraints.scale);
    }
    return { loc: l.tensor, scale: s.tensor, shape, created };
  } catch (e) {
    for (const t of created) t.dispose();
    throw e;
  }
}
