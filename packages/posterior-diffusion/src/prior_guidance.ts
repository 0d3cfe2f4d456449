import * as tf from '@tensorflow/tfjs-core';
import { ValidationError, tidy } from '@ddvi/core';
import type { Distribution, SeedStream } from '@ddvi/core';
import type { NoisingProcess, StepInput } from '@ddvi/noising';

/** Prior draws that estimate the prior's width (the variance below). */
const WIDTH_DRAWS = 1024;

/**
 * Prior guidance (config `priorGuidance`): the denoiser's prediction at the last K steps carries the
 * known prior's own score, so the network learns only the rest.
 *
 * Why: the posterior of a model with a thin prior (the pinwheel's arms are 0.005 wide) lives on the
 * prior's support, and the reverse chain has to land there. Learning a score that sharp from the
 * sleep term alone takes far more steps than a benchmark budget gives (docs/ddvi.md, "Where the bound
 * goes"), but the prior's score is known in closed form. This is the score-informed parameterization
 * of samplers for known densities (the path-integral and denoising-diffusion samplers).
 *
 * How: for y_t = a_t y_0 + s_t eps (the process's marginal), the prior smoothed to step t has the
 * score c_t grad log p(y_t / a_t), c_t = a_t / (a_t^2 + s_t^2 / v), exactly for a Gaussian prior of
 * variance v and as a local Gaussian approximation elsewhere, with v = d / E_p |grad log p|^2 (the
 * square of the prior's thinnest width: 2 * 0.005^2 for the pinwheel, 1 for N(0, I)). By Tweedie,
 * E[eps | y_t] = -s_t score, so a noise prediction becomes eps - s_t w_t c_t grad log p(y_t / a_t),
 * a y_0 prediction y_0 + (s_t^2 / a_t) w_t c_t grad log p(y_t / a_t), with a learned weight w_t per
 * step (init 1; the sleep term fits it too). The reverse kernel is still a Gaussian whose mean
 * depends on y_t and x, so the bound stays valid (D2). The score is a nested tf.grad, so training
 * gradients flow through it (second derivatives of log p).
 */
export class PriorGuidance {
  /** d / E_p |grad log p|^2: the prior's (harmonic mean) variance per coordinate. */
  readonly variance: number;
  /** w_t of steps 1..K, [K]. */
  readonly weight: tf.Variable;

  constructor(
    private readonly prior: Distribution,
    private readonly process: NoisingProcess,
    readonly steps: number,
    seed: SeedStream,
  ) {
    if (!(Number.isInteger(steps) && steps >= 1 && steps <= process.T)) {
      throw new ValidationError(`ddvi posterior: priorGuidance must be at most T = ${process.T} (reverse steps), got ${steps}`);
    }
    const [d, meanSquare] = tidy(() => {
      const z = prior.sample(seed, [WIDTH_DRAWS]) as tf.Tensor2D;
      return [z.shape[1], tf.mean(tf.sum(tf.square(this.score(z)), 1)).dataSync()[0]!] as const;
    });
    if (!(meanSquare > 0 && Number.isFinite(meanSquare))) {
      throw new ValidationError(`ddvi posterior: priorGuidance needs a prior with a finite, non-zero score; E|grad log p|^2 = ${meanSquare}`);
    }
    this.variance = d / meanSquare;
    this.weight = tf.variable(tf.ones([steps]), true);
  }

  /**
   * The denoiser's prediction (noise or y_0, by `predict`) at y_t with the prior's part added, [B, d];
   * t is one step for the batch or int32 [B]. Steps above K are returned unchanged.
   */
  apply(prediction: tf.Tensor2D, yt: tf.Tensor2D, t: StepInput, predict: 'noise' | 'y0'): tf.Tensor2D {
    if (typeof t === 'number' && t > this.steps) return prediction;
    return tidy(() => {
      const [B] = yt.shape;
      const { mean: a, std: s } = this.process.marginal(tf.onesLike(yt) as tf.Tensor2D, t);
      const c = tf.div(a, tf.add(tf.square(a), tf.div(tf.square(s), this.variance)));
      const smoothed = tf.mul(c, this.score(tf.div(yt, a) as tf.Tensor2D));
      // w_t per row ([1, 1] for a shared step): a one-hot product, 0 for rows above K (no gather:
      // its gradient throws on wasm, docs/tfjs-traps.md).
      const w = typeof t === 'number'
        ? tf.reshape(tf.slice(this.weight, [t - 1], [1]), [1, 1])
        : tf.matMul(tf.cast(tf.equal(tf.expandDims(tf.cast(t, 'int32'), 1), tf.expandDims(tf.range(1, this.steps + 1, 1, 'int32'), 0)), 'float32'), tf.reshape(this.weight, [this.steps, 1]));
      if (typeof t !== 'number' && t.shape[0] !== B) throw new ValidationError(`PriorGuidance: t must have shape [${B}], got [${t.shape.join(', ')}]`);
      const scale = predict === 'noise' ? tf.neg(s) : tf.div(tf.square(s), a);
      return tf.add(prediction, tf.mul(tf.mul(scale, w), smoothed)) as tf.Tensor2D;
    });
  }

  /** grad log p(z), [B, d]; 0 where it is not finite (off the prior's support). */
  private score(z: tf.Tensor2D): tf.Tensor2D {
    return tidy(() => {
      const g = tf.grad((v: tf.Tensor) => tf.sum(this.prior.logProb(v)))(z) as tf.Tensor2D;
      return tf.where(tf.isFinite(g), g, tf.zerosLike(g)) as tf.Tensor2D;
    });
  }

  dispose(): void {
    this.weight.dispose();
  }
}
