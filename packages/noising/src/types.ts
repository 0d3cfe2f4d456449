import type * as tf from '@tensorflow/tfjs-core';
import type { SeedLike } from '@ddvi/core';

/**
 * A step index, paper indexing t = 1..T: either one number for the whole batch or an int32 tensor
 * of shape [B] (one step per example). Step 0 means y_0 itself and is accepted only where stated.
 */
export type StepInput = number | tf.Tensor1D;

/** A diagonal Gaussian, every field of shape [B, d] (already broadcast). */
export interface GaussianParams {
  mean: tf.Tensor2D;
  /** Per-coordinate variance (may be exactly 0 for the degenerate t = 1 posterior). */
  variance: tf.Tensor2D;
  /** log(variance); finite everywhere: see each method for the degenerate cases. */
  logVariance: tf.Tensor2D;
}

/** A reparameterized draw of y_t ~ r(y_t | y_0): y_t = mean + std * noise. */
export interface MarginalSample {
  /** [B, d]. */
  yt: tf.Tensor2D;
  /** The standard-normal noise epsilon used, [B, d] (the target of an epsilon-predictor). */
  noise: tf.Tensor2D;
}

/**
 * A forward ("noising") process r(y_{1:T} | y_0) over T discrete steps: the contract DDVI's
 * posterior (and any denoising model) consumes. Implementations are Markov chains
 * r(y_{1:T} | y_0) = prod_t r(y_t | y_{t-1}) with Gaussian steps, tractable marginals r(y_t | y_0)
 * and tractable posteriors r(y_{t-1} | y_t, y_0).
 *
 * Conventions for every method:
 * - States are [B, d] float32 tensors (B examples, d coordinates); y_0 is the clean value.
 * - `t` uses paper indexing 1..T (see {@link StepInput}); a number applies to the whole batch,
 *   an int32 [B] tensor gives each example its own step. Out-of-range steps throw.
 * - Every returned tensor is new and owned by the caller; log-densities sum over the d axis and
 *   have shape [B].
 * - Methods are differentiable in their tensor arguments (schedule tables are constants).
 */
export interface NoisingProcess {
  /** A short label ('gaussian-diffusion(linear)', 'variance-exploding', ...). */
  readonly name: string;
  /** Number of noising steps T >= 1. */
  readonly T: number;

  /**
   * Samples the whole forward chain: returns [T + 1, B, d] where index t holds y_t (index 0 is
   * y_0 itself, copied). Not differentiable in the noise; differentiable in y_0.
   */
  sampleChain(y0: tf.Tensor2D, seed: SeedLike): tf.Tensor3D;
  /** log r(y_{1:T} | y_0) = sum_t log r(y_t | y_{t-1}) for a chain laid out as sampleChain's: [B]. */
  chainLogProb(chain: tf.Tensor3D): tf.Tensor1D;

  /** r(y_t | y_0) = N(mean, std^2): mean and std, each [B, d]. t in 1..T (0 gives std 0). */
  marginal(y0: tf.Tensor2D, t: StepInput): { mean: tf.Tensor2D; std: tf.Tensor2D };
  /** Reparameterized y_t = mean + std * noise; `noise` may be given ([B, d]) instead of drawn. */
  marginalSample(y0: tf.Tensor2D, t: StepInput, seed: SeedLike, noise?: tf.Tensor2D): MarginalSample;
  /** log r(y_t | y_0), [B]; t in 1..T. */
  marginalLogProb(yt: tf.Tensor2D, y0: tf.Tensor2D, t: StepInput): tf.Tensor1D;

  /** The one-step transition r(y_t | y_{t-1}) = N(mean, variance), each [B, d]; t in 1..T. */
  transition(yPrev: tf.Tensor2D, t: StepInput): GaussianParams;
  /** Draws y_t ~ r(y_t | y_{t-1}), [B, d]. */
  transitionSample(yPrev: tf.Tensor2D, t: StepInput, seed: SeedLike): tf.Tensor2D;
  /** log r(y_t | y_{t-1}), [B]. */
  transitionLogProb(yt: tf.Tensor2D, yPrev: tf.Tensor2D, t: StepInput): tf.Tensor1D;

  /**
   * The forward posterior r(y_{t-1} | y_t, y_0) = N(mean, variance), each [B, d]; t in 1..T.
   * At t = 1 it is a point mass at y_0: mean = y_0 exactly, variance = 0, and logVariance is the
   * *clipped* value log(variance at t = 2) (log(beta_1) when T = 1), as DDPM's
   * posterior_log_variance_clipped, so it stays finite. Use {@link reverseVariance} for the
   * variance a reverse model should use at each step.
   */
  posterior(yt: tf.Tensor2D, y0: tf.Tensor2D, t: StepInput): GaussianParams;
  /** Draws y_{t-1} ~ r(y_{t-1} | y_t, y_0) ([B, d]; returns y_0 where t = 1). */
  posteriorSample(yt: tf.Tensor2D, y0: tf.Tensor2D, t: StepInput, seed: SeedLike): tf.Tensor2D;
  /**
   * log r(y_{t-1} | y_t, y_0), [B]. Where t = 1 (a point mass) it returns 0: the caller's y_{t-1}
   * is taken to be y_0 (log-density w.r.t. that atom), never -Infinity or NaN.
   */
  posteriorLogProb(yPrev: tf.Tensor2D, yt: tf.Tensor2D, y0: tf.Tensor2D, t: StepInput): tf.Tensor1D;

  /** y_0 implied by y_t and a noise prediction: (y_t - std_t * eps) / mean-scale_t, [B, d]. */
  predictY0FromNoise(yt: tf.Tensor2D, eps: tf.Tensor2D, t: StepInput): tf.Tensor2D;
  /** The noise implied by y_t and a y_0 prediction: (y_t - mean-scale_t * y_0) / std_t, [B, d]. */
  predictNoiseFromY0(yt: tf.Tensor2D, y0: tf.Tensor2D, t: StepInput): tf.Tensor2D;
  /**
   * Reverse-model parameterization with a predicted y_0: the posterior r(y_{t-1} | y_t, y0Hat)
   * (same as {@link posterior}; named for symmetry with {@link posteriorFromNoise}).
   */
  posteriorFromY0(yt: tf.Tensor2D, y0Hat: tf.Tensor2D, t: StepInput): GaussianParams;
  /**
   * Reverse-model parameterization with a predicted noise: the posterior at the y_0 implied by
   * epsHat, computed with precomputed direct coefficients (mean = A_t y_t + B_t epsHat), so no
   * division by a tiny signal scale happens at run time. Agrees with posteriorFromY0 when
   * y0Hat = predictY0FromNoise(yt, epsHat, t).
   */
  posteriorFromNoise(yt: tf.Tensor2D, epsHat: tf.Tensor2D, t: StepInput): GaussianParams;
  /**
   * The deterministic DDIM (eta = 0) step of the spec §3: y_{t-1} = m_{t-1} y0Hat + s_{t-1} eps
   * with y0Hat = predictY0FromNoise(y_t, eps, t), m and s the marginal's mean scale and std
   * (m_0 = 1, s_0 = 0, so t = 1 returns y0Hat). [B, d].
   */
  ddimStep(yt: tf.Tensor2D, eps: tf.Tensor2D, t: StepInput): tf.Tensor2D;
  /**
   * The variance a reverse step q(y_{t-1} | y_t) should use, of the given shape [B, d]. 'posterior' (default):
   * the forward posterior's variance for t >= 2 and the forward variance of step 1 at t = 1
   * (spec D2: every reverse step has positive variance); 'forward': the forward step's variance.
   */
  reverseVariance(t: StepInput, shape: readonly [number, number], kind?: 'posterior' | 'forward'): {
    variance: tf.Tensor2D;
    logVariance: tf.Tensor2D;
  };

  /** Frees the tensors the process owns. Idempotent; any later call throws. */
  dispose(): void;
}
