import { SEMI_WRAPPER, parseConfig, z } from '@ddvi/core';

/** The wrapper's family name: `createPosterior('semi', { config: { family: 'iaf', classes: 10 } })`. */
export const SEMI = SEMI_WRAPPER;

export interface SemiPosteriorConfig {
  /** The registered family the wrapper conditions on the class (any family with a density). */
  family: string;
  /** That family's own options; it is built on [x, onehot(c)], so its dataSize is D + K. */
  config: Record<string, unknown>;
  /** K, the number of classes; labels in [0, K) are classes, any other value (by convention K) is "unlabelled". */
  classes: number;
  /** Weight of the labelled rows' cross-entropy of pi(c | x) in the training loss, nats per nat (DDVI's default). */
  classWeight: number;
  /** Hidden widths of the classifier pi(c | x), a network of its own (docs/ddvi.md: a shared trunk stayed at chance). */
  classifierHidden: number[];
  /** Hidden widths of rho(c | z), the reverse of an unlabelled row's class (trained on the bound itself). */
  classReverseHidden: number[];
  /** Dropout of the classifier while training. */
  classifierDropout: number;
}

export const DEFAULT_CONFIG: SemiPosteriorConfig = {
  family: 'gaussian', config: {}, classes: 10, classWeight: 10, classifierHidden: [500], classReverseHidden: [64, 64], classifierDropout: 0,
};

const widths = z.array(z.int().min(1));

/** The config's schema; unknown keys are rejected with a suggestion. */
export const SemiConfigSchema = z.strictObject({
  family: z.string().min(1).default(DEFAULT_CONFIG.family),
  config: z.record(z.string(), z.unknown()).describe('a JSON object of the inner family\'s options').default({}),
  classes: z.int().min(2).describe('an integer >= 2 (the number of classes)').default(DEFAULT_CONFIG.classes),
  classWeight: z.number().min(0).default(DEFAULT_CONFIG.classWeight),
  classifierHidden: widths.default(DEFAULT_CONFIG.classifierHidden),
  classReverseHidden: widths.default(DEFAULT_CONFIG.classReverseHidden),
  classifierDropout: z.number().min(0).lt(1).default(DEFAULT_CONFIG.classifierDropout),
  hidden: widths.describe('hidden widths for the wrapped family and the classifier (what --hidden sets)').optional(),
});

/**
 * The wrapper's options; `hidden` (what the CLI's and the bench's --hidden set for every family) is
 * shorthand for the wrapped family's `hidden` and the classifier's widths, unless those are given.
 */
export type SemiConfigInput = Partial<SemiPosteriorConfig> & { hidden?: number[] };

export function resolveConfig(partial: SemiConfigInput = {}): SemiPosteriorConfig {
  const { hidden, ...c } = parseConfig(SemiConfigSchema, partial, 'semi posterior');
  const config = JSON.parse(JSON.stringify(c.config)) as Record<string, unknown>;
  if (hidden && config.hidden === undefined) config.hidden = [...hidden];
  const classifierHidden = hidden && partial.classifierHidden === undefined ? hidden : c.classifierHidden;
  return { ...c, config, classifierHidden: [...classifierHidden], classReverseHidden: [...c.classReverseHidden] };
}
