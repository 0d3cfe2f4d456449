import * as tf from '@tensorflow/tfjs-core';
import { ValidationError, stopGradient, tidy } from '@ddvi/core';
import type { Distribution, SeedStream } from '@ddvi/core';
import type { NoisingProcess } from '@ddvi/noising';
import type { GuidanceGradient } from './config';

/** Prior draws that estimate the prior's curvature scale (the `curvature` below). */
const WIDTH_DRAWS = 1024;
/** The central difference's half-step along u, as a fraction of sqrt(v) (the prior's thinnest width). */
const DIFFERENCE_STEP = 0.02;
/** Each row's eta H u is capped at this times |u| (see `curvatureProduct`). */
const CURVATURE_CAP = 2;

/** The score a guided step uses, and each row's factor c in (0, 1] that limited it (see `limitedScore`). */
export interface LimitedScore {
  score: tf.Tensor2D;
  factors: Float64Array;
}

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
 * Step limit (`stepLimit`, kappa): each row's move is at most kappa sqrt(b_t), kappa standard
 * deviations of the forward kernel r(y_t | y_{t-1}) that prices it, so a guided step costs the
 * chain's log-ratio at most about kappa^2 / 2 nats. Why: the gradient step overshoots where the
 * prior is more curved than 2 / eta (the pinwheel's arms narrow where they bend, and the factor
 * 2 sigmoid(s_t) can near 2). The 5 guided steps applied to pinwheel draws 0.005 off an arm jumped
 * up to 0.8 units at factor 1.8 (scripts/guidance-overshoot.mjs), priced at |jump|^2 / (2 b_t) with
 * b_1 = 1e-4; such draws made single training batches fall to -191,391 nats and the health check
 * stop training (docs/ddvi.md, "Guided steps' size"). The factor is held constant in the backward pass.
 *
 * The kernel stays a Gaussian whose mean depends on y_t and x, so the bound stays valid (D2).
 *
 * The backward pass (`gradient`): the step's Jacobian is I + eta_t H(m), H the Hessian of log p.
 * With 'curvature' it carries eta_t H u for the incoming gradient u, from a central
 * difference of the score along u (autodiff of the score gave infinite gradients at the first step
 * on the pinwheel, float32 logProb under a nested tf.grad). Near a thin arm that Jacobian is about
 * the projection onto the arm, so the bound's pull on the mean reaches the earlier steps as "land
 * nearer the arm". With 'constant' (the default, chosen on a validation split: docs/ddvi.md) the
 * score is held constant (Jacobian I): the bound's pull on a guided mean then reaches the denoiser
 * as "undo the step", which the step cancels again.
 */
export class PriorGuidance {
  /** v = 1 / E_p |grad log p|^2, the cap of the step size. */
  readonly curvature: number;
  /** s_t of steps 1..K, [K]: eta_t = min(b_t, v) 2 sigmoid(s_t). */
  readonly logScale: tf.Variable;
  private readonly stepSizes: number[];
  /** kappa sqrt(b_t) of steps 1..K (0: no limit). */
  private readonly moveLimits: number[];

  constructor(
    private readonly prior: Distribution,
    process: NoisingProcess,
    readonly steps: number,
    seed: SeedStream,
    readonly gradient: GuidanceGradient,
    readonly stepLimit: number,
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
    this.moveLimits = variances.map((b) => stepLimit * Math.sqrt(b));
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

  /** eta_t's value now (no gradient): scale_t sigmoid(s_t). */
  eta(t: number): number {
    const s = tidy(() => tf.slice(this.logScale, [t - 1], [1]).dataSync()[0]!);
    return this.stepScale(t) / (1 + Math.exp(-s));
  }

  /**
   * The score step t uses at m [B, d] with step size eta: each row scaled by c = min(1, kappa
   * sqrt(b_t) / (eta |grad log p|)) so that its move is at most kappa sqrt(b_t) (class comment).
   */
  limitedScore(m: tf.Tensor2D, t: number, eta: number): LimitedScore {
    const score = this.score(m);
    const [B, d] = m.shape;
    const factors = new Float64Array(B).fill(1);
    const limit = this.moveLimits[t - 1]!;
    if (limit === 0) return { score, factors };
    const g = score.dataSync();
    const norms = rowNorms(g, B, d);
    let limited = false;
    for (let i = 0; i < B; i++) {
      const move = eta * norms[i]!;
      if (move > limit) {
        factors[i] = limit / move;
        limited = true;
      }
    }
    if (!limited) return { score, factors };
    const out = new Float32Array(B * d);
    for (let i = 0; i < B; i++) for (let k = 0; k < d; k++) out[i * d + k] = g[i * d + k]! * factors[i]!;
    score.dispose();
    return { score: tf.tensor2d(out, [B, d]), factors };
  }

  /** Reverse step t's mean m [B, d] with the prior's gradient step (t <= K), else m. */
  apply(mean: tf.Tensor2D, t: number): tf.Tensor2D {
    if (t > this.steps) return mean;
    const scale = this.stepScale(t);
    const { score, factors } = this.limitedScore(mean, t, this.eta(t));
    if (this.gradient === 'constant') {
      return tidy(() => {
        const eta = tf.mul(scale, tf.sigmoid(tf.slice(this.logScale, [t - 1], [1])));
        const out = tf.add(mean, tf.mul(eta, score)) as tf.Tensor2D;
        score.dispose();
        return out;
      });
    }
    // The same value, with the step's Jacobian I + c eta H in the backward pass (the class comment).
    // The score is an input, read before the op: autodiff of logProb (priors without a score of
    // their own) cannot run inside an op's forward pass, where tfjs records no tape. For such a prior
    // the Hessian is read here too, for the same reason in the backward pass.
    const hessian = this.hasOwnScore ? undefined : this.hessianAt(mean);
    const step = tf.customGrad((...args: unknown[]) => {
      const save = args.pop() as tf.GradSaveFunc;
      const [m, s, score] = args as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D];
      const gate = tf.sigmoid(tf.slice(s, [t - 1], [1]));
      save([m, score, gate]);
      return {
        value: tf.add(m, tf.mul(tf.mul(scale, gate), score)),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [m, score, gate] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
          const g = gate.dataSync()[0]!;
          const dMean = tf.add(dy, this.curvatureProduct(m, dy as tf.Tensor2D, factors.map((c) => c * scale * g), hessian));
          // d / d s_t = sum(dy score) scale sigmoid'(s_t), in s's row t - 1.
          const dEta = tf.mul(tf.sum(tf.mul(dy, score)), scale * g * (1 - g));
          const dS = tf.mul(tf.tensor1d(Array.from({ length: this.steps }, (_, i) => (i === t - 1 ? 1 : 0))), dEta);
          return [dMean, dS, tf.zerosLike(score)];
        },
      };
    });
    const out = tidy(() => step(mean, this.logScale, score) as tf.Tensor2D);
    score.dispose();
    return out;
  }

  /**
   * eta H(z) u per row [B, d] (a constant; eta one number or one per row), H the Hessian of log p at z: from `hessian` when given
   * (`hessianAt`), else from a central difference of the score along u's direction, which needs a
   * prior with its own score when it runs in a backward pass (autodiff of logProb there would end
   * the outer gradient's tape). Each row is capped at CURVATURE_CAP |u|: between the arms of a
   * multimodal prior log p is convex with curvature up to ~|grad log p|^2, where a small move of z
   * changes which arm the step lands on; that gradient is true but says nothing a gradient step can
   * use. Near an arm (and everywhere for a Gaussian) eta H has eigenvalues in [-2, 0], so the cap does
   * not bind there. Rows where the score is not finite give 0.
   */
  curvatureProduct(z: tf.Tensor2D, u: tf.Tensor2D, eta: number | ArrayLike<number>, hessian?: Float64Array): tf.Tensor2D {
    const [B, d] = z.shape;
    const us = u.dataSync();
    const hu = hessian ? multiply(hessian, us, B, d) : this.hessianProduct(z, us);
    const uNorms = rowNorms(us, B, d);
    const huNorms = rowNorms(hu, B, d);
    const out = new Float32Array(B * d);
    for (let i = 0; i < B; i++) {
      const e = typeof eta === 'number' ? eta : eta[i]!;
      const norm = uNorms[i]!;
      const size = Math.abs(e) * huNorms[i]!;
      const factor = !Number.isFinite(size) ? 0 : size > CURVATURE_CAP * norm ? (CURVATURE_CAP * norm) / size : 1;
      for (let k = 0; k < d; k++) out[i * d + k] = factor === 0 ? 0 : factor * e * hu[i * d + k]!;
    }
    return tf.tensor2d(out, [B, d]);
  }

  /** H(z) [B, d, d] by central differences of the score along each axis (for `curvatureProduct`; not in a backward pass). */
  hessianAt(z: tf.Tensor2D): Float64Array {
    const [B, d] = z.shape;
    const out = new Float64Array(B * d * d);
    for (let j = 0; j < d; j++) {
      const axis = new Float32Array(B * d);
      for (let i = 0; i < B; i++) axis[i * d + j] = 1;
      const column = this.hessianProduct(z, axis);
      for (let i = 0; i < B; i++) for (let k = 0; k < d; k++) out[(i * d + k) * d + j] = column[i * d + k]!;
    }
    return out;
  }

  /**
   * H(z) u per row, by a central difference of the score along u's direction with a half-step of
   * DIFFERENCE_STEP sqrt(v) (v the squared width above). The step taken is the float32 difference of
   * the two points along that direction, so rounding of z does not bias it. NaN where the score is not finite.
   */
  private hessianProduct(z: tf.Tensor2D, us: ArrayLike<number>): Float64Array {
    const [B, d] = z.shape;
    const zs = z.dataSync();
    const h = DIFFERENCE_STEP * Math.sqrt(this.curvature);
    const plus = new Float32Array(B * d);
    const minus = new Float32Array(B * d);
    const norms = rowNorms(us, B, d);
    for (let i = 0; i < B; i++) {
      for (let k = 0; k < d; k++) {
        const dir = norms[i]! > 0 ? us[i * d + k]! / norms[i]! : 0;
        plus[i * d + k] = zs[i * d + k]! + h * dir;
        minus[i * d + k] = zs[i * d + k]! - h * dir;
      }
    }
    const [sp, sm] = tidy(() => [this.rawScore(tf.tensor2d(plus, [B, d])).dataSync(), this.rawScore(tf.tensor2d(minus, [B, d])).dataSync()]);
    const out = new Float64Array(B * d);
    for (let i = 0; i < B; i++) {
      const norm = norms[i]!;
      if (norm === 0) continue;
      let step = 0;
      for (let k = 0; k < d; k++) step += (plus[i * d + k]! - minus[i * d + k]!) * (us[i * d + k]! / norm);
      for (let k = 0; k < d; k++) out[i * d + k] = (norm * (sp[i * d + k]! - sm[i * d + k]!)) / step;
    }
    return out;
  }

  /** grad log p(z), [B, d], a constant (no gradient of its own); 0 where it is not finite (off the prior's support). */
  score(z: tf.Tensor2D): tf.Tensor2D {
    return tidy(() => {
      const g = this.rawScore(z);
      return stopGradient(tf.where(tf.isFinite(g), g, tf.zerosLike(g)) as tf.Tensor2D);
    });
  }

  /** grad log p(z) as the prior gives it, non-finite values kept. */
  private rawScore(z: tf.Tensor2D): tf.Tensor2D {
    return tidy(() => {
      // The prior's own score where it has one (the pinwheel's: float64 on the host, no graph to
      // build and differentiate at every guided step), else autodiff of its log-density.
      const prior = this.prior;
      return (prior.score ? prior.score(stopGradient(z)) : tf.grad((v: tf.Tensor) => tf.sum(prior.logProb(v)))(stopGradient(z))) as tf.Tensor2D;
    });
  }

  dispose(): void {
    this.logScale.dispose();
  }
}

/** The Euclidean norm of each row of x [B, d] (flat, row-major). */
function rowNorms(x: ArrayLike<number>, B: number, d: number): Float64Array {
  const out = new Float64Array(B);
  for (let i = 0; i < B; i++) {
    let sq = 0;
    for (let k = 0; k < d; k++) sq += x[i * d + k]! ** 2;
    out[i] = Math.sqrt(sq);
  }
  return out;
}

/** H u per row for H [B, d, d] (row-major) and u [B, d]. */
function multiply(h: Float64Array, u: ArrayLike<number>, B: number, d: number): Float64Array {
  const out = new Float64Array(B * d);
  for (let i = 0; i < B; i++) {
    for (let k = 0; k < d; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += h[(i * d + k) * d + j]! * u[i * d + j]!;
      out[i * d + k] = s;
    }
  }
  return out;
}
