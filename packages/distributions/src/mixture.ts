import * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from '@ddvi/core';
import type { Distribution, SeedStream } from '@ddvi/core';
import { DistributionBase } from './distribution';
import { Categorical } from './categorical';
import { broadcastShapes } from './internal/params';

const NAME = 'Mixture';

/** A distribution that also has a per-element variance (DiagNormal, Normal, Bernoulli, ...). */
interface WithVariance extends Distribution {
  variance(): tf.Tensor;
}

/**
 * Mixture of same-family components (TFP's MixtureSameFamily): `components` has batch shape
 * `[...B, K]`, whose last dim K indexes the components, and `mixing` is a Categorical over K with
 * batch shape broadcastable to `B`. The mixture has batch shape `B` and the components' event shape.
 *
 * `logProb(x) = logSumExp_k(log pi_k + log p_k(x))`; `sample` draws a component per draw and then
 * selects it (not reparameterized); `mean()` is `sum_k pi_k mean_k`. The mixture does not own its
 * parts: dispose them yourself.
 *
 * @example
 * // 2-D Gaussian mixture with 4 components
 * const comps = new DiagNormal(centers, 0.1);            // centers: [4, 2] -> batch [4], event [2]
 * const gmm = new Mixture(new Categorical({ logits: tf.zeros([4]) }), comps);
 * gmm.sample(17, [1000]);                                 // [1000, 2]
 */
export class Mixture extends DistributionBase {
  readonly name = NAME;
  readonly reparameterized = false;
  /** Number of components K. */
  readonly numComponents: number;

  constructor(
    readonly mixing: Categorical,
    readonly components: Distribution,
  ) {
    super(...shapes(mixing, components));
    this.numComponents = mixing.numCategories;
  }

  mean(): tf.Tensor {
    return tf.tidy(() => {
      const w = this.weightsForEvent(this.mixing.probs());
      const m = tf.sum(tf.mul(w, this.components.mean()), -(this.eventShape.length + 1));
      return tf.broadcastTo(m, [...this.batchShape, ...this.eventShape]);
    });
  }

  /**
   * Law of total variance, `sum_k pi_k (var_k + mean_k^2) - mean^2`, for components that have a
   * `variance()` (throws otherwise).
   */
  variance(): tf.Tensor {
    const comps = this.components as Partial<WithVariance>;
    if (typeof comps.variance !== 'function') {
      throw new ValidationError(`${NAME}: variance needs components with a variance() method, got ${this.components.name}`);
    }
    return tf.tidy(() => {
      const axis = -(this.eventShape.length + 1);
      const w = this.weightsForEvent(this.mixing.probs());
      const mk = this.components.mean();
      const second = tf.sum(tf.mul(w, tf.add(comps.variance!(), tf.square(mk))), axis);
      const m = tf.sum(tf.mul(w, mk), axis);
      return tf.broadcastTo(tf.sub(second, tf.square(m)), [...this.batchShape, ...this.eventShape]);
    });
  }

  protected sampleImpl(seed: SeedStream, sampleShape: number[]): tf.Tensor {
    const s = sampleShape.length;
    const b = this.batchShape.length;
    const e = this.eventShape.length;
    const k = this.numComponents;
    // Which component each draw uses: [...S, ...mixB] -> one-hot [...S, 1.., ...mixB, K, 1 x e].
    const idx = this.mixing.sample(seed, sampleShape);
    const mixB = this.mixing.batchShape;
    const oneHot = tf.oneHot(idx, k);
    const mask = tf.reshape(oneHot, [...sampleShape, ...ones(b - mixB.length), ...mixB, k, ...ones(e)]);
    // All components' draws: [...S, ...compB, K, ...E] aligned the same way.
    const draws = this.components.sample(seed, sampleShape);
    const compB = this.components.batchShape.slice(0, -1);
    const aligned = tf.reshape(draws, [...sampleShape, ...ones(b - compB.length), ...compB, k, ...this.eventShape]);
    const picked = tf.sum(tf.mul(tf.cast(mask, aligned.dtype), aligned), s + b);
    return tf.broadcastTo(picked, [...sampleShape, ...this.batchShape, ...this.eventShape]);
  }

  protected logProbImpl(value: tf.Tensor): tf.Tensor {
    const x = tf.expandDims(value, value.rank - this.eventShape.length);
    const perComponent = this.components.logProb(x);
    return tf.logSumExp(tf.add(perComponent, this.mixing.logProbs()), -1);
  }

  /** Mixing weights [...mixB, K] -> [...mixB, K, 1 x eventRank], to multiply per-component stats. */
  private weightsForEvent(w: tf.Tensor): tf.Tensor {
    return tf.reshape(w, [...w.shape, ...ones(this.eventShape.length)]);
  }
}

function ones(n: number): number[] {
  return new Array<number>(Math.max(n, 0)).fill(1);
}

function shapes(mixing: Categorical, components: Distribution): [number[], number[]] {
  if (!(mixing instanceof Categorical)) {
    throw new ValidationError(`${NAME}: mixing must be a Categorical, got ${(mixing as { name?: string })?.name ?? typeof mixing}`);
  }
  const cb = components.batchShape;
  if (cb.length < 1) {
    throw new ValidationError(
      `${NAME}: components must have a batch shape whose last dim indexes the components, got batch shape [] (${components.name})`,
    );
  }
  const k = cb[cb.length - 1]!;
  if (k !== mixing.numCategories) {
    throw new ValidationError(
      `${NAME}: components' last batch dim must equal the mixing categories (${mixing.numCategories}), got ${k} ` +
        `(components batch shape [${cb.join(', ')}])`,
    );
  }
  const batch = broadcastShapes(NAME, { 'mixing batch': mixing.batchShape, 'components batch (without K)': cb.slice(0, -1) });
  return [batch, [...components.eventShape]];
}
