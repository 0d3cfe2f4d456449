import * as tf from '@tensorflow/tfjs-core';
import type { SeedStream } from '@ddvi/core';
import { DistributionBase } from './distribution';
import { real, unitInterval } from './constraints';
import { prepareBinary } from './internal/binary_params';
import type { BinaryParams } from './internal/binary_params';
import type { DistributionOptions } from './internal/params';
import { bernoulliLogDensity } from './internal/math';

const NAME = 'Bernoulli';

/**
 * Independent Bernoulli variables over the last axis: event shape `[D]` (e.g. 784 MNIST pixels),
 * batch shape = the leading dims of `probs`/`logits`.
 *
 * `logProb(x)` is `sum_d x log p + (1 - x) log(1 - p)`, computed from logits as
 * `x * logits - softplus(logits)` (stable for any logits), and accepts grey levels x in [0, 1] as
 * the DDVI reference's BCE decoder loss does (then it is not a normalized density of x; see
 * ContinuousBernoulli for one). `sample` gives float32 {0, 1} values and is not reparameterized.
 * Probabilities given as 0 or 1 are clamped to [eps, 1 - eps] for the logits (as PyTorch does).
 *
 * @example
 * const px = new Bernoulli({ logits: decoderOut }, { validateArgs: false }); // [B, 784]
 * const ll = px.logProb(images);                                             // [B]
 */
export class Bernoulli extends DistributionBase {
  static readonly paramConstraints = { probs: unitInterval, logits: real } as const;
  static readonly support = unitInterval;

  readonly name = NAME;
  readonly reparameterized = false;
  /** Logits as given, or computed from the (clamped) probs. */
  readonly logits: tf.Tensor;
  private readonly probsParam: tf.Tensor | undefined;

  constructor(params: BinaryParams, options: DistributionOptions = {}) {
    const p = prepareBinary(NAME, params, options.validateArgs ?? true);
    super(p.logits.shape.slice(0, -1), p.logits.shape.slice(-1));
    this.logits = p.logits;
    this.probsParam = p.probs;
    this.own(...p.created);
  }

  /** Success probabilities, shape `[...batchShape, D]`. */
  probs(): tf.Tensor {
    return tf.tidy(() => this.probsTensor());
  }

  mean(): tf.Tensor {
    return this.probs();
  }

  /** p (1 - p), shape `[...batchShape, D]`. */
  variance(): tf.Tensor {
    return tf.tidy(() => {
      const p = this.probsTensor();
      return tf.mul(p, tf.sub(1, p));
    });
  }

  /** sum_d softplus(l) - l sigmoid(l), shape batchShape. */
  entropy(): tf.Tensor {
    return tf.tidy(() => tf.sum(tf.sub(tf.softplus(this.logits), tf.mul(this.logits, tf.sigmoid(this.logits))), -1));
  }

  protected sampleImpl(seed: SeedStream, sampleShape: number[]): tf.Tensor {
    const shape = [...sampleShape, ...this.batchShape, ...this.eventShape];
    const u = tf.randomUniform(shape, 0, 1, 'float32', seed.next());
    // x = 1 iff u < p, written with greaterEqual (tfjs has no gradient for Less, even a zero one).
    return tf.sub(1, tf.cast(tf.greaterEqual(u, this.probsTensor()), 'float32'));
  }

  protected logProbImpl(value: tf.Tensor): tf.Tensor {
    return tf.sum(bernoulliLogDensity(value, this.logits), -1);
  }

  private probsTensor(): tf.Tensor {
    return this.probsParam ? tf.clone(this.probsParam) : tf.sigmoid(this.logits);
  }
}
