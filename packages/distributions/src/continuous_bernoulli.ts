import * as tf from '@tensorflow/tfjs-core';
import type { SeedStream } from '@ddvi/core';
import { DistributionBase } from './distribution';
import { real, unitInterval } from './constraints';
import { prepareBinary } from './internal/binary_params';
import type { BinaryParams } from './internal/binary_params';
import type { DistributionOptions } from './internal/params';
import { bernoulliLogDensity, openUniform } from './internal/math';

const NAME = 'ContinuousBernoulli';

/** Below these |logits| the closed forms cancel badly in float32 and Taylor series take over. */
const TAYLOR_LOG_NORM = 0.25; // series error < 1e-7 at the threshold
const TAYLOR_MEAN = 0.25; // < 4e-8
const TAYLOR_VAR = 0.5; // < 1e-7
const TAYLOR_ICDF = 1e-4; // first-order term only; exact form is fine above

/**
 * Continuous Bernoulli CB(lambda) on [0, 1] (Loaiza-Ganem & Cunningham 2019), independent over the
 * last axis: event shape `[D]`, batch shape the leading dims. Density
 * `C(lambda) lambda^x (1 - lambda)^(1 - x)`, a proper density for grey-level pixels.
 *
 * In terms of l = logit(lambda) the normalizer is `C = l / tanh(l / 2)` (2 at l = 0), the mean
 * `1/2 + 1/(2 tanh(l/2)) - 1/l` and the variance `1/l^2 - 1/(4 tanh^2(l/2)) + 1/4`; near
 * lambda = 1/2 they are evaluated by Taylor series (as PyTorch does around [0.499, 0.501]), with the
 * other branch fed a safe input so gradients stay finite. `rsample` inverts the CDF:
 * `x = log1p(u expm1(l)) / l`, reparameterized.
 *
 * @see https://arxiv.org/abs/1907.06845
 */
export class ContinuousBernoulli extends DistributionBase {
  static readonly paramConstraints = { probs: unitInterval, logits: real } as const;
  static readonly support = unitInterval;

  readonly name = NAME;
  readonly reparameterized = true;
  /** Logits as given, or computed from the (clamped) probs. */
  readonly logits: tf.Tensor;

  constructor(params: BinaryParams, options: DistributionOptions = {}) {
    const p = prepareBinary(NAME, params, options.validateArgs ?? true);
    super(p.logits.shape.slice(0, -1), p.logits.shape.slice(-1));
    this.logits = p.logits;
    this.own(...p.created);
  }

  /** The shape parameter lambda = sigmoid(logits), shape `[...batchShape, D]` (not the mean). */
  probs(): tf.Tensor {
    return tf.tidy(() => tf.sigmoid(this.logits));
  }

  /** log C(lambda) per coordinate, shape `[...batchShape, D]`. */
  logNormalizer(): tf.Tensor {
    return tf.tidy(() => logNormalizer(this.logits));
  }

  mean(): tf.Tensor {
    return tf.tidy(() => {
      const l = this.logits;
      const { small, safe } = split(l, TAYLOR_MEAN);
      const exact = tf.sub(tf.add(0.5, tf.div(0.5, tf.tanh(tf.mul(0.5, safe)))), tf.reciprocal(safe));
      const taylor = tf.add(0.5, tf.mul(l, tf.sub(1 / 12, tf.div(tf.square(l), 720))));
      return tf.where(small, taylor, exact);
    });
  }

  variance(): tf.Tensor {
    return tf.tidy(() => {
      const l = this.logits;
      const { small, safe } = split(l, TAYLOR_VAR);
      const t = tf.tanh(tf.mul(0.5, safe));
      const exact = tf.add(tf.sub(tf.reciprocal(tf.square(safe)), tf.div(0.25, tf.square(t))), 0.25);
      const l2 = tf.square(l);
      const taylor = tf.add(1 / 12, tf.mul(l2, tf.sub(tf.div(l2, 6048), 1 / 240)));
      return tf.where(small, taylor, exact);
    });
  }

  /** -E[log p(x)] summed over the event axis, shape batchShape. */
  entropy(): tf.Tensor {
    return tf.tidy(() => {
      const l = this.logits;
      const perDim = tf.sub(tf.sub(tf.softplus(l), tf.mul(this.mean(), l)), logNormalizer(l));
      return tf.sum(perDim, -1);
    });
  }

  protected sampleImpl(seed: SeedStream, sampleShape: number[]): tf.Tensor {
    const shape = [...sampleShape, ...this.batchShape, ...this.eventShape];
    const u = openUniform(shape, seed.next());
    // By symmetry (x ~ CB(l) iff 1 - x ~ CB(-l)), invert with a = -|l| <= 0 so expm1 never overflows.
    const l = this.logits;
    const positive = tf.greaterEqual(l, 0);
    const a = tf.neg(tf.abs(l));
    const v = tf.where(positive, tf.sub(1, u), u);
    const { small, safe } = split(a, TAYLOR_ICDF);
    const exact = tf.div(tf.log1p(tf.mul(v, tf.expm1(safe))), safe);
    const taylor = tf.add(v, tf.mul(tf.mul(v, tf.sub(1, v)), tf.mul(0.5, a)));
    const y = tf.clipByValue(tf.where(small, taylor, exact), 0, 1);
    return tf.where(positive, tf.sub(1, y), y);
  }

  protected logProbImpl(value: tf.Tensor): tf.Tensor {
    return tf.sum(tf.add(bernoulliLogDensity(value, this.logits), logNormalizer(this.logits)), -1);
  }
}

/** log C = log(l / tanh(l/2)); Taylor log 2 + l^2/12 - 7 l^4/1440 near 0. */
function logNormalizer(l: tf.Tensor): tf.Tensor {
  const { small, safe } = split(l, TAYLOR_LOG_NORM);
  const exact = tf.sub(tf.log(tf.abs(safe)), tf.log(tf.abs(tf.tanh(tf.mul(0.5, safe)))));
  const l2 = tf.square(l);
  const taylor = tf.add(Math.log(2), tf.mul(l2, tf.sub(1 / 12, tf.mul(l2, 7 / 1440))));
  return tf.where(small, taylor, exact);
}

/**
 * small = |l| <= threshold; safe = l where not small, else 1 (so the exact branch and its gradient
 * stay finite). Comparisons use greaterEqual: tfjs registers no gradient for Less or Greater, and a
 * where() condition is on the gradient path.
 */
function split(l: tf.Tensor, threshold: number): { small: tf.Tensor; safe: tf.Tensor } {
  const small = tf.greaterEqual(threshold, tf.abs(l));
  return { small, safe: tf.where(small, tf.onesLike(l), l) };
}
