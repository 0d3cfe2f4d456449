import * as tf from '@tensorflow/tfjs-core';
import { ValidationError, stopGradient, tidy } from '@ddvi/core';
import type { Distribution, SeedStream } from '@ddvi/core';
import type { NoisingProcess } from '@ddvi/noising';

/** Prior draws that estimate the prior's curvature scale (the `curvature` below). */
const WIDTH_DRAWS = 1024;

/**
 * Prior guidance (config `priorGuidance`): each of the last K reverse steps moves its mean by a
 * gradient step on the known prior's log-density, m + eta_t grad log p(m).
 *
 * Why: the posterior of a model with a thin prior (the pinwheel's arms are 0.005 wide) lives on the
 * prior's support, so the chain has to end there. The sleep term alone does not teach the denoiser a
 * score that sharp in a benchmark's budget (docs/ddvi.md, "Where the bound goes"): draws ended
 * about 0.14 off the arms and log p(z) cost hundreds of nats. The prior's score is known, so the
 * chain is given it, as samplers for known densities are (path-integral and denoising-diffusion
 * samplers put the target's score in their drift).
 *
 * Step size: eta_t = min(b_t, v) 2 sigmoid(s_t), with b_t the forward step's variance (beta_t),
 * v = 1 / E_p |grad log p|^2 (about the square of the prior's thinnest width: 0.005^2 for the
 * pinwheel, 1 / d for N(0, I_d)) and s_t learned (init 0, so the factor starts at 1). b_t is the
 * prior's part of the reverse drift that a step of noise b_t carries; the cap v keeps a stiff prior
 * from being overshot (a gradient step of v lands on a Gaussian arm of variance v, one beyond 2v
 * diverges), and the learned factor stays in (0, 2) for the same reason: with an unbounded e^{s_t},
 * DDVI on the genotypes preset (lr 2e-3) diverged at all 3 seeds. A broad prior is thus barely
 * touched (N(0, I) with beta_t = 0.02: 2% of the way to its mode) and a thin one is projected on.
 *
 * The kernel stays a Gaussian whose mean depends on y_t and x, so the bound stays valid (D2). The
 * score is held constant in the backward pass (so the training gradient is not exactly the bound's):
 * with its second derivatives the pinwheel's score gave infinite gradients at the first step.
 */
export class PriorGuidance {
  /** v = 1 / E_p |grad log p|^2, the cap of the step size. */
  readonly curvature: number;
  /** s_t of steps 1..K, [K]: eta_t = min(b_t, v) 2 sigmoid(s_t). */
  readonly logScale: tf.Variable;
  private readonly stepSizes: number[];

  constructor(
    private readonly prior: Distribution,
    process: NoisingProcess,
    readonly steps: number,
    seed: SeedStream,
  ) {
    if (!(Number.isInteger(steps) && steps >= 1 && steps <= process.T)) {
      throw new ValidationError(`ddvi posterior: priorGuidance must be at most T = ${process.T} (reverse steps), got ${steps}`);
    }
    const [meanSquare, variances] = tidy(() => {
      const z = prior.sample(seed, [WIDTH_DRAWS]) as tf.Tensor2D;
      const one = tf.zeros([1, z.shape[1]]) as tf.Tensor2D;
      const b = Array.from({ length: steps }, (_, i) => tf.max(process.transition(one, i + 1).variance).dataSync()[0]!);
      return [tf.mean(tf.sum(tf.square(this.score(z)), 1)).dataSync()[0]!, b] as const;
    });
    if (!(meanSquare > 0 && Number.isFinite(meanSquare))) {
      throw new ValidationError(`ddvi posterior: priorGuidance needs a prior with a finite, non-zero score; E|grad log p|^2 = ${meanSquare}`);
    }
    this.curvature = 1 / meanSquare;
    this.stepSizes = variances.map((b) => Math.min(b, this.curvature));
    this.logScale = tf.tidy(() => tf.variable(tf.zeros([steps]), true));
  }

  /**
   * Whether the prior computes its own score (`Distribution.score`); then the fused chain can run the
   * guided steps inside its op, where autodiff of logProb cannot run.
   */
  get hasOwnScore(): boolean {
    return this.prior.score !== undefined;
  }

  /** scale_t of eta_t = scale_t sigmoid(s_t), t = 1..K: 2 min(b_t, v). */
  stepScale(t: number): number {
    return 2 * this.stepSizes[t - 1]!;
  }

  /** Reverse step t's mean m [B, d] with the prior's gradient step (t <= K), else m. */
  apply(mean: tf.Tensor2D, t: number): tf.Tensor2D {
    if (t > this.steps) return mean;
    return tidy(() => {
      const eta = tf.mul(this.stepScale(t), tf.sigmoid(tf.slice(this.logScale, [t - 1], [1])));
      return tf.add(mean, tf.mul(eta, this.score(mean))) as tf.Tensor2D;
    });
  }

  /** grad log p(z), [B, d], a constant of the backward pass; 0 where it is not finite (off the prior's support). */
  score(z: tf.Tensor2D): tf.Tensor2D {
    return tidy(() => {
      // The prior's own score where it has one (the pinwheel's: float64 on the host, no graph to
      // build and differentiate at every guided step), else autodiff of its log-density.
      const prior = this.prior;
      const g = (prior.score ? prior.score(stopGradient(z)) : tf.grad((v: tf.Tensor) => tf.sum(prior.logProb(v)))(stopGradient(z))) as tf.Tensor2D;
      return stopGradient(tf.where(tf.isFinite(g), g, tf.zerosLike(g)) as tf.Tensor2D);
    });
  }

  dispose(): void {
    this.logScale.dispose();
  }
}
