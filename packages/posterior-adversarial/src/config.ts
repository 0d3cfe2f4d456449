import { parseConfig, z } from '@ddvi/core';
import { TrunkSchema } from '@ddvi/nn';
import type { TrunkSpec } from '@ddvi/nn';

export const AAE = 'aae';

export const ENCODERS = ['deterministic', 'gaussian'] as const;

/** Options of the adversarial autoencoder posterior; defaults are the reference's aae_vanilla (spec §8). */
export interface AdversarialPosteriorConfig {
  /** Encoder hidden widths; the reference's MNIST encoder is 784 -> 1000 -> 1000 -> z. */
  hidden: number[];
  /** Encoder dropout (on during training only; the reference keeps it on always, spec D5). */
  dropout: number;
  /**
   * 'deterministic' (the reference): z = Q(x). 'gaussian': z = mu(x) + exp(s(x) / 2) * eps, a
   * stochastic encoder whose density is still not used (the objective is not a bound).
   */
  encoder: (typeof ENCODERS)[number];
  /** Discriminator hidden widths: z -> 1000 -> 1000 -> 1 in the reference. */
  discriminatorHidden: number[];
  /** Dropout after each discriminator hidden layer; on in both adversarial updates, as in the reference. */
  discriminatorDropout: number;
  /** The discriminator's multiplicative input noise x + N(0, 1) * sigma * x in the first epoch (0.3). */
  noiseSigma: number;
  /**
   * 'reference': after epoch e (0-based) of N, sigma = max(0, 0.1 * (floor((N - (e + 1)) / floor(N / 4)) - 1));
   * 'constant': noiseSigma throughout (0 turns the noise off).
   */
  noiseSchedule: 'reference' | 'constant';
  /** N of the schedule when the trainer does not say how many epochs the run has (200, the reference's MNIST run). */
  scheduleEpochs: number;
  /** Weight of the discriminator and generator losses (6 in the reference). */
  adversarialWeight: number;
  /** Inside the logs: log(D + eps), log(1 - D + eps) (1e-15 in the reference). */
  eps: number;
  /**
   * The reference's aae_semi: D sees concat(z, onehot_{K+1}(label)), label K meaning "unlabeled"
   * (batch labels outside [0, K), or no labels); real samples are (z ~ p(z | c), onehot(c)) with half
   * of the c replaced by K. Needs a prior with classes (`sampleWithClass`, numClasses = K).
   */
  semiSupervised: boolean;
  /** K, the number of classes (the prior's and the labels'), for the semi-supervised variant. */
  numClasses: number;
  /** Stop when the discriminator's epoch-mean accuracy stays within `divergenceTolerance` of 0 or 1 for this many consecutive epochs (0: never). */
  divergencePatience: number;
  divergenceTolerance: number;
  /** What the encoder reads x with before its MLP (default: nothing, the MLP on the flat x; `{ kind: 'conv', shape }` for images, spec §6). */
  trunk?: TrunkSpec;
}

export const DEFAULT_CONFIG: AdversarialPosteriorConfig = {
  hidden: [1000, 1000], dropout: 0.2, encoder: 'deterministic', discriminatorHidden: [1000, 1000], discriminatorDropout: 0.2,
  noiseSigma: 0.3, noiseSchedule: 'reference', scheduleEpochs: 200, adversarialWeight: 6, eps: 1e-15,
  divergencePatience: 10, divergenceTolerance: 0.005, semiSupervised: false, numClasses: 10,
};

const widths = z.array(z.int().min(1));
const unit = z.number().min(0).lt(1);
const nonNegative = z.number().min(0);

/** The config's schema: each key's type and range; unknown keys are rejected with a suggestion. */
export const AdversarialConfigSchema = z.strictObject({
  hidden: widths.default(DEFAULT_CONFIG.hidden),
  dropout: unit.default(DEFAULT_CONFIG.dropout),
  encoder: z.enum(ENCODERS).default(DEFAULT_CONFIG.encoder),
  discriminatorHidden: widths.default(DEFAULT_CONFIG.discriminatorHidden),
  discriminatorDropout: unit.default(DEFAULT_CONFIG.discriminatorDropout),
  noiseSigma: nonNegative.default(DEFAULT_CONFIG.noiseSigma),
  noiseSchedule: z.enum(['reference', 'constant']).default(DEFAULT_CONFIG.noiseSchedule),
  scheduleEpochs: z.int().min(1).default(DEFAULT_CONFIG.scheduleEpochs),
  adversarialWeight: nonNegative.default(DEFAULT_CONFIG.adversarialWeight),
  eps: nonNegative.default(DEFAULT_CONFIG.eps),
  semiSupervised: z.boolean().default(DEFAULT_CONFIG.semiSupervised),
  numClasses: z.int().min(1).default(DEFAULT_CONFIG.numClasses),
  divergencePatience: z.int().min(0).default(DEFAULT_CONFIG.divergencePatience),
  divergenceTolerance: z.number().min(0).lt(0.5).default(DEFAULT_CONFIG.divergenceTolerance),
  trunk: TrunkSchema.optional(),
});

export function resolveConfig(partial: Partial<AdversarialPosteriorConfig> = {}): AdversarialPosteriorConfig {
  const c = parseConfig(AdversarialConfigSchema, partial, 'aae posterior');
  return { ...c, hidden: [...c.hidden], discriminatorHidden: [...c.discriminatorHidden] };
}

/**
 * The discriminator's input-noise sigma during epoch `epoch` (0-based) of an `epochs`-epoch run,
 * as the reference's aae_vanilla sets it: `initial` (0.3) in the first epoch; after epoch e it
 * becomes max(0, 0.1 * (floor((N - (e + 1)) / floor(N / 4)) - 1)). For N = 200: 0.3, then 0.2 for
 * epochs 1-50, 0.1 for 51-100, 0 from 101 on. Runs shorter than 4 epochs use floor(N / 4) = 1 (the
 * reference divides by zero there).
 */
export function noiseSigma(epoch: number, epochs: number, initial = 0.3, semiSupervised = false): number {
  if (epoch <= 0) return initial;
  const quarter = Math.max(1, Math.floor(epochs / 4));
  const steps = Math.floor((epochs - epoch) / quarter);
  // aae_semi: 0.1 * ((N - (e + 1)) // (N // 4)), without the -1 (200 epochs: 0.3 until epoch 50, then 0.2, 0.1, 0 in the last).
  return semiSupervised ? Math.max(0, steps / 10) : Math.max(0, (steps - 1) / 10);
}
