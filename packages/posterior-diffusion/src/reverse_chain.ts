import * as tf from '@tensorflow/tfjs-core';
import { LOG_2PI, tidy } from '@ddvi/core';
import type { SeedStream } from '@ddvi/core';
import { GaussianMarkovProcess } from '@ddvi/noising';
import type { NoisingProcess } from '@ddvi/noising';
import type { DdviPosteriorConfig } from './config';
import type { ConditionalDenoiser } from './denoiser';
import { fusedChain } from './fused_chain';
import type { PriorGuidance } from './prior_guidance';
import { fusedReverseStepAvailable } from './step_kernel';
import type { ReverseStepAttrs } from './step_kernel';

/** One pass of the reverse chain, everything the bound and the wake term read. */
export interface ReverseTrajectory {
  /** [T + 1, B, d]: index t holds y_t (index 0 is z = y_0, index T the encoder's draw). */
  states: tf.Tensor3D;
  /** [T, B, d]: index t - 1 holds the mean of q(y_{t-1} | y_t, x). */
  means: tf.Tensor3D;
  /** [B]: log q(y_{0:T} | x), exact (0 terms for a deterministic chain). */
  logQ: tf.Tensor1D;
  /** [B]: log q(y_T | x), the encoder's part of logQ. */
  encoderLogQ: tf.Tensor1D;
  /**
   * [B]: -H(q(y_T | x)) + sum_t E_q[log q(y_{t-1} | y_t, x) - log r(y_t | y_{t-1}) | y_t], an
   * unbiased, lower-variance estimate of E[logQ - log r] (the training signal of wake = 'bound');
   * present only when the trajectory was asked to `smooth`.
   */
  smoothedLogRatio?: tf.Tensor1D;
}

/**
 * DDVI's reverse chain q(y_{0:T-1} | y_T, x) = prod_t N(y_{t-1}; m_t, v_t): the denoiser's steps
 * from the encoder's draw y_T down to z = y_0, with the exact log q of the trajectory and, for
 * training, its Rao-Blackwellized log-ratio against the noising process r. The steps run as one
 * fused op (fused_chain.ts) where the kernel covers the configuration, op by op otherwise (and at
 * prior guidance's steps when the prior has no score of its own: prior_guidance.ts).
 */
export class ReverseChain {
  /** Each reverse step's constants for the fused step kernel (index t), built on first use; null where it does not apply. */
  private stepConstants: ReverseStepAttrs[] | null | undefined;

  constructor(
    private readonly denoiser: ConditionalDenoiser,
    private readonly process: NoisingProcess,
    private readonly config: Pick<DdviPosteriorConfig, 'predict' | 'reverseMean' | 'reverseVariance' | 'varianceFloor'>,
    private readonly latentSize: number,
    private readonly guidance: PriorGuidance | undefined,
  ) {}

  /**
   * Runs the chain from y_T = mu + e^{logVar / 2} eps: y_{t-1} = mean_t + sqrt(v_t) n_t for
   * t = T..1, with mean_t from the predicted noise (DDIM or DDPM form) and v_t the configured
   * reverse variance; log q is accumulated from the standard-normal draws directly.
   */
  run(mu: tf.Tensor2D, logVar: tf.Tensor2D, context: tf.Tensor2D, seed: SeedStream, smooth = false): ReverseTrajectory {
    const [B, d] = mu.shape;
    const T = this.process.T;
    const { reverseVariance } = this.config;
    return tidy(() => {
      const eps0 = tf.randomNormal([B, d], 0, 1, 'float32', seed.fork('yT').next());
      let y = tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logVar)), eps0)) as tf.Tensor2D;
      const encoderLogQ = tf.mul(-0.5, tf.sum(tf.add(tf.add(tf.square(eps0), logVar), LOG_2PI), 1)) as tf.Tensor1D;
      let logQ = encoderLogQ;
      // Rao-Blackwellized E[log q - log r | y_t] per step (and -entropy of q(y_T | x)): the same
      // expectation as the sampled log-ratio, without the 1 / beta_t-amplified noise of the draws.
      let smoothed = smooth ? (tf.mul(-0.5, tf.sum(tf.add(logVar, 1 + LOG_2PI), 1)) as tf.Tensor1D) : undefined;
      const draws = reverseVariance === 'none' ? undefined : (tf.randomNormal([T, B, d], 0, 1, 'float32', seed.fork('steps').next()) as tf.Tensor3D);
      const fused = draws && fusedReverseStepAvailable() ? this.fusedStepConstants() : null;
      // Prior guidance's steps run inside the fused op where the prior has its own score, else op by
      // op below after the fused op has run the rest (T..K + 1).
      const opSteps = this.guidance && !this.guidance.hasOwnScore ? this.guidance.steps : 0;
      if (fused && opSteps === 0) {
        // The same chain as the loop below, as one op with its own backward pass (fused_chain.ts).
        const chain = fusedChain(this.denoiser, y, context, draws!, fused, { guidance: this.guidance });
        const out: ReverseTrajectory = { states: chain.states, means: chain.means, logQ: tf.add(logQ, chain.logQ) as tf.Tensor1D, encoderLogQ };
        if (smoothed) out.smoothedLogRatio = tf.add(smoothed, chain.smoothed) as tf.Tensor1D;
        return out;
      }
      const noise = draws ? tf.unstack(draws) : undefined;
      // The steps the fused op ran (T..K+1): their states y_K..y_T and means, stacked by index.
      let head: { states: tf.Tensor3D; means: tf.Tensor3D } | undefined;
      let from = T;
      if (fused && opSteps < T) {
        const chain = fusedChain(this.denoiser, y, context, draws!, fused, { last: opSteps + 1 });
        head = { states: tf.slice(chain.states, [1, 0, 0], [-1, -1, -1]), means: chain.means };
        logQ = tf.add(logQ, chain.logQ) as tf.Tensor1D;
        if (smoothed) smoothed = tf.add(smoothed, chain.smoothed) as tf.Tensor1D;
        y = tf.reshape(tf.slice(chain.states, [0, 0, 0], [1, B, d]), [B, d]);
        from = opSteps;
      }
      // In the order the steps run (t = from..1).
      const states: tf.Tensor2D[] = [y];
      const means: tf.Tensor2D[] = [];
      for (let t = from; t >= 1; t--) {
        const out = this.denoiser.apply(y, context, t);
        const raw = this.stepMean(y, reverseVariance === 'learned' ? (tf.slice(out, [0, 0], [B, d]) as tf.Tensor2D) : out, t);
        const mean = this.guidance ? this.guidance.apply(raw, t) : raw;
        means.push(mean);
        if (noise) {
          const logVariance = this.reverseLogVariance(t, reverseVariance === 'learned' ? (tf.slice(out, [0, d], [B, d]) as tf.Tensor2D) : undefined, [B, d]);
          const n = noise[t - 1]!;
          const next = tf.add(mean, tf.mul(tf.exp(tf.mul(0.5, logVariance)), n)) as tf.Tensor2D;
          logQ = tf.add(logQ, tf.mul(-0.5, tf.sum(tf.add(tf.add(tf.square(n), logVariance), LOG_2PI), 1))) as tf.Tensor1D;
          if (smoothed) smoothed = tf.add(smoothed, this.expectedStepLogRatio(y, mean, logVariance, t)) as tf.Tensor1D;
          y = next;
        } else {
          y = mean;
        }
        states.push(y);
      }
      const stacked = { states: tf.stack(states.reverse()) as tf.Tensor3D, means: tf.stack(means.reverse()) as tf.Tensor3D };
      const out: ReverseTrajectory = {
        states: head ? (tf.concat([stacked.states, head.states], 0) as tf.Tensor3D) : stacked.states,
        means: head ? (tf.concat([stacked.means, head.means], 0) as tf.Tensor3D) : stacked.means,
        logQ, encoderLogQ,
      };
      if (smoothed) out.smoothedLogRatio = smoothed;
      return out;
    });
  }

  /**
   * The fused step kernel's constants for t = 1..T (float32 values of the process's tables, as the
   * ops read them), or null where the kernel does not cover the configuration: a process without
   * host tables (not a GaussianMarkovProcess), predict = 'y0' with the DDIM mean (two stages), or no
   * reverse noise.
   */
  private fusedStepConstants(): ReverseStepAttrs[] | null {
    if (this.stepConstants !== undefined) return this.stepConstants;
    const { predict, reverseMean, reverseVariance, varianceFloor } = this.config;
    const p = this.process;
    if (!(p instanceof GaussianMarkovProcess) || reverseVariance === 'none' || (predict === 'y0' && reverseMean === 'ddim') || (p.dim !== 1 && p.dim !== this.latentSize)) {
      this.stepConstants = null;
      return null;
    }
    const [cy, cp] = predict === 'y0' ? (['postCt', 'postC0'] as const) : reverseMean === 'ddim' ? (['ddimY', 'ddimEps'] as const) : (['epsA', 'epsB'] as const);
    const f = Math.fround;
    const logFloor = f(Math.log(varianceFloor));
    const rows: ReverseStepAttrs[] = [];
    for (let t = 0; t <= this.process.T; t++) {
      const row = (name: keyof typeof p.host) => Array.from(p.host[name].subarray(t * p.dim, (t + 1) * p.dim), f);
      const lo =
        reverseVariance === 'forward' ? row('logB')
          : reverseVariance === 'learned' && varianceFloor !== 1 ? row('revLogVar').map((v) => f(v + logFloor))
            : row('revLogVar');
      rows.push({ cy: row(cy), cp: row(cp), lo, hi: row('logB'), a: row('a'), b: row('b'), logB: row('logB'), learned: reverseVariance === 'learned' ? 1 : 0 });
    }
    this.stepConstants = rows;
    return rows;
  }

  /**
   * The mean of reverse step t from the denoiser's prediction (noise or y_0, by `predict`), in the
   * configured form: 'ddpm' the forward posterior at the implied y_0, 'ddim' the eta = 0 update.
   */
  private stepMean(y: tf.Tensor2D, prediction: tf.Tensor2D, t: number): tf.Tensor2D {
    return tidy(() => {
      const { predict, reverseMean } = this.config;
      if (predict === 'y0') {
        if (reverseMean === 'ddpm') return this.process.posteriorFromY0(y, prediction, t).mean;
        return this.process.ddimStep(y, this.process.predictNoiseFromY0(y, prediction, t), t);
      }
      return reverseMean === 'ddim' ? this.process.ddimStep(y, prediction, t) : this.process.posteriorFromNoise(y, prediction, t).mean;
    });
  }

  /**
   * E over y_{t-1} ~ q(y_{t-1} | y_t) = N(m, v) of log q(y_{t-1} | y_t) - log r(y_t | y_{t-1}), [B],
   * in closed form: -H(q) + 0.5 sum [((y_t - a m)^2 + a^2 v) / b + log(2 pi b)] for the forward step
   * r(y_t | y_{t-1}) = N(a y_{t-1}, b), with a and b read through the NoisingProcess interface.
   */
  private expectedStepLogRatio(yt: tf.Tensor2D, m: tf.Tensor2D, logV: tf.Tensor2D, t: number): tf.Tensor1D {
    return tidy(() => {
      const forward = this.process.transition(m, t);
      const a = this.process.transition(tf.onesLike(m) as tf.Tensor2D, t).mean;
      const negEntropy = tf.mul(-0.5, tf.add(logV, 1 + LOG_2PI));
      const quad = tf.div(tf.add(tf.square(tf.sub(yt, forward.mean)), tf.mul(tf.square(a), tf.exp(logV))), forward.variance);
      return tf.sum(tf.add(negEntropy, tf.mul(0.5, tf.add(quad, tf.add(forward.logVariance, LOG_2PI)))), 1) as tf.Tensor1D;
    });
  }

  /**
   * log v_t of reverse step t, [B, d]: the configured fixed variance, or for 'learned'
   * u log beta_t + (1 - u) log betatilde_t with u = sigmoid(the denoiser's second head), so it stays
   * between the two natural choices (both are log beta_1 at t = 1, spec D2), the lower one scaled by
   * `varianceFloor`. `head` is the
   * denoiser's variance output (ignored unless reverseVariance = 'learned').
   */
  reverseLogVariance(t: number, head: tf.Tensor2D | undefined, shape: [number, number]): tf.Tensor2D {
    return tidy(() => {
      if (!head) return this.process.reverseVariance(t, shape, this.config.reverseVariance as 'posterior' | 'forward').logVariance;
      const posteriorLow = this.process.reverseVariance(t, shape, 'posterior').logVariance;
      const floor = this.config.varianceFloor;
      const low = floor === 1 ? posteriorLow : (tf.add(posteriorLow, Math.log(floor)) as tf.Tensor2D);
      const high = this.process.reverseVariance(t, shape, 'forward').logVariance;
      const u = tf.sigmoid(head);
      return tf.add(low, tf.mul(u, tf.sub(high, low))) as tf.Tensor2D;
    });
  }
}
