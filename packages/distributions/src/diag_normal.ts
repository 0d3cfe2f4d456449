import * as tf from '@tensorflow/tfjs-core';
import { real } from './constraints';
import { checkConstraint, toParam } from './internal/params';
import type { DistributionOptions, ParamInput } from './internal/params';
import { NormalBase } from './normal_base';

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
export class DiagNormal extends NormalBase {
  readonly name = NAME;

  constructor(loc: ParamInput, scale: ParamInput, options: DistributionOptions = {}) {
    super(NAME, 1, loc, scale, options);
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
}
