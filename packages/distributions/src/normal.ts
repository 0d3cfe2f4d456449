import type { DistributionOptions, ParamInput } from './internal/params';
import { NormalBase } from './normal_base';

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
export class Normal extends NormalBase {
  readonly name = NAME;

  constructor(loc: ParamInput, scale: ParamInput, options: DistributionOptions = {}) {
    super(NAME, 0, loc, scale, options);
  }
}
