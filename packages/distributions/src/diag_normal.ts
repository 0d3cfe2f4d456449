import * as tf from '@tensorflow/tfjs-core';
import type { SeedStream } from '@ddvi/core';
import { DistributionBase } from './distribution';
import { positive, real } from './constraints';
import { broadcastShapes, checkConstraint, checkMinRank, toParam } from './internal/params';
import type { DistributionOptions, ParamInput } from './internal/params';
import { normalEntropy, normalLogDensity } from './internal/math';

const NAME = 'DiagNormal';

/**
 * Normal distribution with diagonal covariance over the last axis: event shape `[d]`, batch shape
 * the leading dims of `broadcast(loc.shape, scale.shape)`. The Gaussian VAE encoder, the DDVI
 * latent prior N(0, I) and the components of Gaussian-grid priors.
 *
 * `sample(seed, [n])` has shape `[n, ...batchShape, d]`; `rsample` is `loc + scale * eps`
 * (reparameterized); `logProb(x)` sums over the last axis and returns `[..., ...batchShape]`.
 *
 * @example
 * const q = new DiagNormal(mu, tf.exp(tf.mul(0.5, logVar)), { validateArgs: false }); // [B, d]
 * const z = q.rsample(seed);                  // [B, d], differentiable in mu and logVar
 * const prior = DiagNormal.standard(d);       // N(0, I_d)
 * const kl = klDivergence(q, prior);          // [B], closed form
 */
export class DiagNormal extends DistributionBase {
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
    super(p.shape.slice(0, -1), p.shape.slice(-1));
    this.loc = p.loc;
    this.scale = p.scale;
    this.own(...p.created);
  }

  /** N(loc, exp(logVar)): scale = exp(logVar / 2) (a tensor this distribution owns). */
  static fromLogVariance(loc: ParamInput, logVar: ParamInput, options: DistributionOptions = {}): DiagNormal {
    const lv = toParam(NAME, 'logVar', logVar);
    if (options.validateArgs ?? true) {
      try {
        checkConstraint(NAME, 'logVar', lv.tensor, real);
      } catch (e) {
        if (lv.created) lv.tensor.dispose();
        throw e;
      }
    }
    const scale = tf.tidy(() => tf.exp(tf.mul(0.5, lv.tensor)));
    if (lv.created) lv.tensor.dispose();
    let d: DiagNormal;
    try {
      d = new DiagNormal(loc, scale, options);
    } catch (e) {
      scale.dispose();
      throw e;
    }
    d.own(scale);
    return d;
  }

  /** N(0, I_d) with the given batch shape (a standard prior). */
  static standard(dim: number, batchShape: readonly number[] = []): DiagNormal {
    const d = new DiagNormal(tf.zeros([...batchShape, dim]), tf.ones([...batchShape, dim]), { validateArgs: false });
    d.own(d.loc, d.scale);
    return d;
  }

  mean(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(this.loc, this.fullShape()));
  }

  /** Per-coordinate variance scale^2, shape `[...batchShape, d]`. */
  variance(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.square(this.scale), this.fullShape()));
  }

  /** Per-coordinate standard deviation, shape `[...batchShape, d]`. */
  stddev(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(this.scale, this.fullShape()));
  }

  /** Closed-form entropy summed over the event axis, shape `batchShape`. */
  entropy(): tf.Tensor {
    return tf.tidy(() => tf.sum(tf.broadcastTo(normalEntropy(this.scale), this.fullShape()), -1));
  }

  protected sampleImpl(seed: SeedStream, sampleShape: number[]): tf.Tensor {
    const eps = tf.randomNormal([...sampleShape, ...this.fullShape()], 0, 1, 'float32', seed.next());
    return tf.add(this.loc, tf.mul(this.scale, eps));
  }

  protected logProbImpl(value: tf.Tensor): tf.Tensor {
    return tf.sum(normalLogDensity(value, this.loc, this.scale), -1);
  }

  private fullShape(): number[] {
    return [...this.batchShape, ...this.eventShape];
  }
}

function prepare(loc: ParamInput, scale: ParamInput, validate: boolean) {
  const l = toParam(NAME, 'loc', loc);
  const s = toParam(NAME, 'scale', scale);
  const created = [l, s].filter((p) => p.created).map((p) => p.tensor);
  try {
    const shape = broadcastShapes(NAME, { loc: l.tensor.shape, scale: s.tensor.shape });
    checkMinRank(NAME, 'loc and scale (broadcast)', shape, 1, 'the last axis is the event axis; use Normal for scalars');
    if (validate) {
      checkConstraint(NAME, 'loc', l.tensor, DiagNormal.paramConstraints.loc);
      checkConstraint(NAME, 'scale', s.tensor, DiagNormal.paramConstraints.scale);
    }
    return { loc: l.tensor, scale: s.tensor, shape, created };
  } catch (e) {
    for (const t of created) t.dispose();
    throw e;
  }
}
