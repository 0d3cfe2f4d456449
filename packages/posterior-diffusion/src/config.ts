import { parseConfig, z } from '@ddvi/core';
import type { NoisingSpec } from '@ddvi/noising';
import { TrunkSchema } from '@ddvi/nn';
import type { TrunkSpec } from '@ddvi/nn';

export const DDVI = 'ddvi';

export const REVERSE_MEANS = ['ddim', 'ddpm'] as const;
export const PREDICTIONS = ['noise', 'y0'] as const;
export const REVERSE_VARIANCES = ['learned', 'posterior', 'forward', 'none'] as const;
export const WAKE_LOSSES = ['huber', 'mse', 'bound'] as const;
export const SLEEP_LOSSES = ['huber', 'mse'] as const;
export const FANTASIES = ['mean', 'sample'] as const;
export const GUIDANCE_GRADIENTS = ['curvature', 'constant'] as const;
export type GuidanceGradient = (typeof GUIDANCE_GRADIENTS)[number];

/**
 * DDVI's posterior (spec §1-§6). Architecture defaults are the paper's MNIST setting
 * (diff_vae_warmup): T = 40 linear betas 1e-4..0.02, encoder 784 -> 1000 -> 1000 -> (mu, logvar),
 * context encoder 784 -> 1000 -> 1000 -> 2 with dropout 0.4, denoiser width 128 with a residual,
 * 3 Huber sleep updates per batch.
 *
 * Training defaults depart from the reference where measurement showed its choices cost bound
 * (docs/ddvi.md): the chain trains on its own bound (Rao-Blackwellized, wake = 'bound') with
 * learned reverse variances and the DDPM mean, and the sleep term sees sampled x. The reference's
 * training is `REFERENCE_TRAINING`.
 */
export interface DdviPosteriorConfig {
  /** The forward process r the reverse chain inverts; any registered kind (`registerNoisingProcess`). */
  noising: NoisingSpec;
  encoderHidden: number[];
  encoderDropout: number;
  /** The auxiliary context encoder a = Q2(x) that conditions every reverse step. */
  contextHidden: number[];
  contextSize: number;
  contextDropout: number;
  /** What the encoder and the context encoder read x with before their MLPs (default: the MLP on the flat x; `{ kind: 'conv', shape }` for images, spec §6). */
  trunk?: TrunkSpec;
  /** Denoiser eps(y_t, a, t): width of every conditional layer and their number (>= 2). */
  denoiserWidth: number;
  denoiserLayers: number;
  /**
   * What the denoiser predicts: 'noise' (the reference's epsilon) or 'y0' the clean latent (the
   * sleep target follows). 'y0' is for experiments: measured, it trains worse on the
   * linear-Gaussian model (gap 22 vs 0.08 nats after 60 epochs at T = 5: at small t the mean must
   * track y_t to within sqrt(beta_1)) and no better on quick MNIST.
   */
  predict: (typeof PREDICTIONS)[number];
  /**
   * Mean of a reverse step from the prediction: 'ddim' (the reference, eta = 0 update) or
   * 'ddpm' (the forward posterior at the implied y_0).
   */
  reverseMean: (typeof REVERSE_MEANS)[number];
  /**
   * Noise of a reverse step (spec D2: every step has positive variance): 'posterior' betatilde_t
   * for t >= 2 and beta_1 for the last step; 'forward' beta_t; 'learned' a per-example
   * interpolation between the two in log space, predicted by the denoiser (Nichol & Dhariwal
   * 2021): the right value depends on how wide q(z | x) is against the step's noise, so a fixed
   * choice costs bound; 'none' the reference's deterministic chain, which has no density (D4): its
   * bound is then not reported.
   */
  reverseVariance: (typeof REVERSE_VARIANCES)[number];
  /**
   * With 'learned' variances, the lower end of each step's range as a multiple of betatilde_t (of
   * beta_1 at the last step), in (0, 1]: 1 keeps the range [betatilde_t, beta_t]; below 1 a step may
   * be sharper than the forward posterior, which a thin posterior (a pinwheel arm 0.005 wide against
   * the last step's sqrt(beta_1) = 0.01) needs. Any positive variance keeps the bound valid (D2).
   * Default 1. On a validation split 1e-3 raised the MNIST ELBO by 108 nats and kNN accuracy from
   * 0.31 to 0.40, but the quick preset's run with it collapsed (docs/ddvi.md, "Where the bound goes"),
   * so it is a lever, not the default.
   */
  varianceFloor: number;
  /**
   * The training signal of the reverse chain (spec D3): 'huber' / 'mse' the reference's wake term on
   * one random step (with KL(q(y_T | x) || N(0, I)) in place of log q); 'bound' trains the exact
   * per-trajectory bound itself.
   */
  wake: (typeof WAKE_LOSSES)[number];
  /** Weight of the wake term relative to a per-pixel-mean reconstruction, as the reference's diff_weight. */
  wakeWeight: number;
  sleep: (typeof SLEEP_LOSSES)[number];
  /** Weight of the sleep term; 0 turns the sleep term off (the ablation). */
  sleepWeight: number;
  /** Sleep updates per minibatch (reference: 3 unsupervised, 30 semi-supervised). */
  sleepRepeats: number;
  /**
   * The sleep term's x for a prior draw z: 'mean' the decoder's mean (the reference), 'sample' a
   * draw x ~ p(x | z), which makes the sleep target E[eps | y_t, x] the one the bound wants.
   */
  fantasy: (typeof FANTASIES)[number];
  /**
   * Whether the sleep term also updates the context encoder (spec D9: the reference's sleep step
   * reaches the denoiser and the context encoder); false leaves the context to the wake term.
   */
  sleepTrainsContext: boolean;
  /** Sleep batch size; 0 means the data batch's size. */
  sleepBatch: number;
  /**
   * Staged training (spec §4.3, D8) as fractions of the epochs: first `priorPretrain` trains only
   * the sleep term (the denoiser learns to invert r on prior samples before it sees data), then
   * `frozenDecoder` trains the posterior with the model frozen, then everything trains.
   */
  priorPretrain: number;
  frozenDecoder: number;
  /**
   * Semi-supervised DDVI (spec §5.1) when > 0: the number of classes K of the labels and of the
   * model's class-conditional prior (0: unsupervised). The encoder gains class logits pi(c | x), the
   * denoiser sees onehot(c) beside its context, a labelled row runs the chain of its label and an
   * unlabelled one of a class drawn from pi, with c an auxiliary variable reversed by a learned
   * rho(c | z) (docs/ddvi.md); the sleep term draws (z, c) from the prior's classes.
   */
  classes: number;
  /**
   * The health check (trainer's checkHealth): training stops, keeping the last good checkpoint, when
   * an epoch's train bound falls below the best earlier epoch's by more than this fraction of its
   * size, and the message names the part of the bound that moved. 0 turns it off. Default 1 (the bound
   * fell below twice the best): DDVI's epoch means move by 50-80% between epochs on quick MNIST
   * without collapsing (-550, -586, -1015 in one run), while the 20,000-image collapse of issue 20
   * went from -560 to -1,726.
   */
  collapseTolerance: number;
  /**
   * Prior guidance: the last `priorGuidance` reverse steps add a gradient step on the prior's
   * log-density to their mean, m + eta_t grad log p(m), with eta_t = min(beta_t, v) 2 sigmoid(s_t):
   * v = 1 / E|grad log p|^2 over prior draws (about the square of the prior's thinnest width,
   * 0.005^2 for the pinwheel) and s_t learned (init 0); see prior_guidance.ts. Default 5, chosen on
   * a validation split (docs/ddvi.md). The reverse kernel stays a Gaussian with a mean that depends on y_t and x, so
   * the bound stays valid (D2); the backward pass is `guidanceGradient`'s. Needs the model's
   * prior (PosteriorInit.prior): the default applies where the posterior is given it (ddvi train,
   * ddvi bench, the playground and the conformance kit give it), else guidance is off; set
   * explicitly without a prior, it is an error. 0 turns it off (the reference has none).
   */
  priorGuidance: number;
  /**
   * What prior guidance's step contributes to the training gradient. 'constant' (default): grad log p
   * held constant (the step's Jacobian taken as I). 'curvature': the step's own Jacobian,
   * I + eta_t H(m) with H the Hessian of log p (a central difference of the score along the incoming
   * gradient, each row's eta_t H u capped at twice |u|), the bound's gradient except where the cap
   * binds. Chosen on the validation split (docs/ddvi.md, "Guided steps' size"): with the step limit
   * below, 'constant' gave -223.8 / -223.7 / -225.6 nats at seeds 0-2, 'curvature' -231.9 / -225.1 /
   * -245.3, with lower kNN accuracy and NMI on every seed.
   */
  guidanceGradient: GuidanceGradient;
  /**
   * Each guided step moves its mean by at most this many sqrt(beta_t), the standard deviation of the
   * forward kernel that prices the move in the bound, so a guided step costs the chain's log-ratio at
   * most about guidanceStepLimit^2 / 2 nats (prior_guidance.ts). 0: no limit (the first versions).
   * Why: the gradient step overshoots where the prior is more curved than 2 / eta_t; on the pinwheel
   * a few draws then jumped across the plane at thousands of nats each, and the train bound collapsed
   * (docs/ddvi.md). Default 3, chosen on the validation split against 1.5 and 6.
   */
  guidanceStepLimit: number;
  /** Weight of the cross-entropy of pi on labelled rows, per row, in nats beside the bound (spec D6: an option). */
  classWeight: number;
  /** Hidden widths of rho(c | z), the learned reverse of the class in unlabelled rows. */
  classReverseHidden: number[];
  /**
   * Hidden widths of the classifier pi(c | x), a network of its own. The reference puts the class
   * logits on the encoder's trunk; measured on MNIST (3,000 images, 300 labels, 4 epochs), that
   * head stayed at chance (0.11 test accuracy) because the bound's gradients, thousands of times
   * larger than the cross-entropy's, keep moving the shared features under it.
   */
  classifierHidden: number[];
}

export const DEFAULT_CONFIG: DdviPosteriorConfig = {
  noising: { kind: 'linear', T: 40 },
  encoderHidden: [1000, 1000],
  encoderDropout: 0.2,
  contextHidden: [1000, 1000],
  contextSize: 2,
  contextDropout: 0.4,
  denoiserWidth: 128,
  denoiserLayers: 4,
  predict: 'noise',
  reverseMean: 'ddpm',
  reverseVariance: 'learned',
  varianceFloor: 1,
  wake: 'bound',
  wakeWeight: 1,
  sleep: 'huber',
  sleepWeight: 1,
  sleepRepeats: 3,
  fantasy: 'sample',
  sleepTrainsContext: true,
  sleepBatch: 0,
  priorPretrain: 0,
  frozenDecoder: 0,
  classes: 0,
  collapseTolerance: 1,
  priorGuidance: 5,
  guidanceGradient: 'constant',
  guidanceStepLimit: 3,
  classWeight: 10,
  classReverseHidden: [64, 64],
  classifierHidden: [500],
};

/**
 * The reference implementation's training choices (spec §4.2, with D2's positive reverse
 * variances): Huber wake term on one random step with KL(q(y_T | x) || N(0, I)) in place of log q,
 * the DDIM mean, betatilde variances, and the decoder's mean as the sleep fantasy.
 */
export const REFERENCE_TRAINING: Partial<DdviPosteriorConfig> = {
  predict: 'noise',
  wake: 'huber',
  reverseMean: 'ddim',
  reverseVariance: 'posterior',
  fantasy: 'mean',
  priorGuidance: 0,
};

const widths = z.array(z.int().min(1));
const unit = z.number().min(0).lt(1);
const weight = z.number().min(0);

/** The noising spec's own keys belong to its process's schema (createNoisingProcess checks them); here only its shape. */
const NoisingShape = z.looseObject({ kind: z.string().min(1), T: z.int().min(1) });

/** The config's schema: each key's type and range; unknown keys are rejected with a suggestion. */
export const DdviConfigSchema = z
  .strictObject({
    noising: NoisingShape.default(DEFAULT_CONFIG.noising),
    encoderHidden: widths.default(DEFAULT_CONFIG.encoderHidden),
    encoderDropout: unit.default(DEFAULT_CONFIG.encoderDropout),
    contextHidden: widths.default(DEFAULT_CONFIG.contextHidden),
    contextSize: z.int().min(1).default(DEFAULT_CONFIG.contextSize),
    contextDropout: unit.default(DEFAULT_CONFIG.contextDropout),
    trunk: TrunkSchema.optional(),
    denoiserWidth: z.int().min(1).default(DEFAULT_CONFIG.denoiserWidth),
    denoiserLayers: z.int().min(2).default(DEFAULT_CONFIG.denoiserLayers),
    predict: z.enum(PREDICTIONS).default(DEFAULT_CONFIG.predict),
    reverseMean: z.enum(REVERSE_MEANS).default(DEFAULT_CONFIG.reverseMean),
    reverseVariance: z.enum(REVERSE_VARIANCES).default(DEFAULT_CONFIG.reverseVariance),
    varianceFloor: z.number().gt(0).max(1).describe('a number in (0, 1]').default(DEFAULT_CONFIG.varianceFloor),
    wake: z.enum(WAKE_LOSSES).default(DEFAULT_CONFIG.wake),
    wakeWeight: weight.default(DEFAULT_CONFIG.wakeWeight),
    sleep: z.enum(SLEEP_LOSSES).default(DEFAULT_CONFIG.sleep),
    sleepWeight: weight.default(DEFAULT_CONFIG.sleepWeight),
    sleepRepeats: z.int().min(1).default(DEFAULT_CONFIG.sleepRepeats),
    fantasy: z.enum(FANTASIES).default(DEFAULT_CONFIG.fantasy),
    sleepTrainsContext: z.boolean().default(DEFAULT_CONFIG.sleepTrainsContext),
    sleepBatch: z.int().min(0).describe('an integer >= 0 (0: the data batch size)').default(DEFAULT_CONFIG.sleepBatch),
    priorPretrain: unit.default(DEFAULT_CONFIG.priorPretrain),
    frozenDecoder: unit.default(DEFAULT_CONFIG.frozenDecoder),
    classes: z
      .int()
      .refine((k) => k === 0 || k >= 2, '0 (unsupervised) or an integer >= 2')
      .default(DEFAULT_CONFIG.classes),
    collapseTolerance: weight.default(DEFAULT_CONFIG.collapseTolerance),
    priorGuidance: z.int().min(0).describe('an integer >= 0 (reverse steps with prior guidance; 0: off)').default(DEFAULT_CONFIG.priorGuidance),
    guidanceGradient: z.enum(GUIDANCE_GRADIENTS).default(DEFAULT_CONFIG.guidanceGradient),
    guidanceStepLimit: z.number().min(0).describe('a number >= 0 (0: no limit)').default(DEFAULT_CONFIG.guidanceStepLimit),
    classWeight: weight.default(DEFAULT_CONFIG.classWeight),
    classReverseHidden: widths.default(DEFAULT_CONFIG.classReverseHidden),
    classifierHidden: widths.default(DEFAULT_CONFIG.classifierHidden),
  })
  .superRefine((c, ctx) => {
    // Relations between keys: each names the key the user should change.
    if (c.priorPretrain + c.frozenDecoder >= 1) {
      ctx.addIssue({ code: 'custom', path: ['frozenDecoder'], message: `below 1 - priorPretrain = ${1 - c.priorPretrain} (priorPretrain + frozenDecoder must leave epochs that train everything)` });
    }
    if (c.wake === 'bound' && c.reverseVariance === 'none') {
      ctx.addIssue({ code: 'custom', path: ['wake'], message: "'huber' or 'mse' when reverseVariance is 'none' (a deterministic chain has no density to bound)" });
    }
  });

/**
 * `hidden` is the widths every family's encoder takes (the CLI's and the benchmark runner's
 * --hidden); here it sets both the encoder and the context encoder unless those are given.
 */
export type DdviConfigInput = Partial<DdviPosteriorConfig> & { hidden?: number[] };

const where = 'ddvi posterior';

/** The input's outer shape: the config's keys, unchecked until defaults are filled, and `hidden`. */
const DdviConfigInputShape = z.object({ hidden: widths.optional() }).catchall(z.unknown());

export function resolveConfig(input: DdviConfigInput = {}): DdviPosteriorConfig {
  const { hidden, ...partial } = parseConfig(DdviConfigInputShape, input, where) as { hidden?: number[] } & Partial<DdviPosteriorConfig>;
  if (hidden !== undefined) {
    partial.encoderHidden ??= hidden;
    partial.contextHidden ??= hidden;
  }
  // A copy: zod hands the defaults out as they are, and no caller may change DEFAULT_CONFIG through its result.
  return structuredClone(parseConfig(DdviConfigSchema, partial, where)) as DdviPosteriorConfig;
}
