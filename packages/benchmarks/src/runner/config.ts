import { LEARNING_RATE_SCHEDULES, listPosteriors, parseConfig, z } from '@ddvi/core';
import type { LearningRateSchedule } from '@ddvi/core';
import { listPriors } from '@ddvi/distributions';
import { listEmbeddings } from '../baselines/registry';
import { LIKELIHOODS } from '@ddvi/models';
import type { LikelihoodName } from '@ddvi/models';
import { listDatasets } from '../datasets/registry';
import { genotypeTaskOptionsSchema } from '@ddvi/genotypes';
import type { GenotypeTaskOptions } from '@ddvi/genotypes';

/** The priors of the spec's comparison (§7), used when a config names none. */
export const DEFAULT_BENCH_PRIORS: readonly string[] = ['pinwheel', 'swiss_roll', 'square'];

/** Everything a benchmark run needs; written into results.json. */
export interface BenchConfig {
  /** Posterior families (default: every registered family, from listPosteriors()). */
  families: string[];
  /** Priors by registered name (default DEFAULT_BENCH_PRIORS). */
  priors: string[];
  /** Seeds; each cell uses its seed for initialisation, shuffling and sampling. */
  seeds: number[];
  /** Datasets by name (mnist, toy, genotypes). */
  datasets: string[];
  /** Baseline embedding methods scored beside the families (default none; known: listEmbeddings()). */
  baselines: string[];
  /** The genotypes dataset's source and preprocessing (default: the simulated cohort). */
  genotypes?: GenotypeTaskOptions;
  dataDir?: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** How every family's learning rate moves over its cell's steps (undefined: constant; 'cosine': a half cosine to 0). */
  learningRateSchedule?: LearningRateSchedule;
  /** Examples kept from each split (undefined: all; toy: 5,000 / 1,000). */
  trainLimit?: number;
  testLimit?: number;
  /**
   * Hold out this many seeded training examples (after trainLimit) and score on them instead of the
   * test split: the split on which settings are chosen, never the test set.
   */
  validation?: number;
  /** Cap on optimizer steps per epoch (undefined: one pass). */
  stepsPerEpoch?: number;
  /** KL weight of the training ELBO and its linear warm-up in epochs (0: none). */
  beta: number;
  klWarmup: number;
  /** Importance samples of the test IWAE bound (0: skip). */
  iwaeK: number;
  /** Neighbours of the kNN accuracy (spec §10.1: 20). */
  knnK: number;
  /** Prior samples scored by the latent NLL (spec §10.2: 10,000). */
  latentNllSamples: number;
  /** KDE bandwidths of the latent NLL (undefined: D7's {0.005, 0.008, 0.01, 0.03, 0.05}). */
  latentNllBandwidths?: number[];
  /**
   * A second bandwidth set, reported beside the first as its own column ("latent NLL, alt H"),
   * e.g. the reference run.py's {0.05, 0.1, 0.3, 0.5, 0.8} (undefined: no second column).
   */
  altLatentNllBandwidths?: number[];
  /**
   * Keep dropout on when scoring (ELBO, IWAE, latents), as the reference does (spec §12.10, D5:
   * a parity option; undefined / false: off, as a model is evaluated).
   */
  evalDropout?: boolean;
  /** Decoder and encoder hidden widths (undefined: the paper's [1000, 1000]). */
  hidden?: number[];
  /**
   * Semi-supervised label budgets, one grid axis (spec §5.1, D6): each cell keeps exactly n seeded
   * training labels and runs every family in its semi-supervised form (undefined: unsupervised).
   */
  labels?: number[];
  /** Options of the shared semi-supervised wrapper (classWeight, classifierHidden, ...; see @ddvi/posterior-semi). */
  semiConfig?: Record<string, unknown>;
  /** Family-specific options passed to every family's createPosterior. */
  posteriorConfig: Record<string, unknown>;
  /**
   * Per-family training settings over the grid's (a family's own tuned weights): its posterior
   * options (merged over posteriorConfig), KL weight beta, warm-up and learning rate. The report
   * states what each family trained with.
   */
  familySettings?: Record<string, FamilySettings>;
  latentSize: number;
  /** p(x | z) for every dataset (default: each dataset's own: Bernoulli for MNIST, Gaussian for CIFAR-10 and genotypes). */
  likelihood?: LikelihoodName;
  /** The Gaussian likelihood's fixed standard deviation (default: the dataset's; CIFAR-10: sqrt(1/2)). */
  gaussianScale?: number;
  /** CIFAR-10 without a dataDir: generate the stand-in image set of this size into `<out>/cifar10-generated` (the cifar-smoke preset). */
  cifarSynthetic?: { trainSize: number; testSize: number; seed: number };
}

/** One family's training settings over the grid's; every key optional. */
export interface TrainingSettings {
  posteriorConfig?: Record<string, unknown>;
  beta?: number;
  klWarmup?: number;
  learningRate?: number;
  /** Global gradient-norm clipping of this family's updates (Adam's `clipNorm`; undefined: none). */
  clipNorm?: number;
}

export interface FamilySettings extends TrainingSettings {
  /**
   * Settings of this family's cells on one prior, over the family's own (posterior options merged
   * key by key): a setting chosen per prior on a validation split, as DDVI's chain length (a short
   * chain for the broad swiss roll and square, the long one for the pinwheel's thin arms).
   */
  byPrior?: Record<string, TrainingSettings>;
}

export type BenchConfigInput = Partial<BenchConfig>;

/** Names from a registry, each once; the message lists the registered ones. */
function names(known: readonly string[], min = 1) {
  const name = z.string().refine((n) => known.includes(n), { message: `one of the registered names: ${known.join(', ')}` });
  return z
    .array(name)
    .min(min)
    .refine((v) => new Set(v).size === v.length, { message: 'a list without duplicates' })
    .describe(`a ${min > 0 ? 'non-empty ' : ''}list of names from: ${known.join(', ')}`);
}

const count = (min: number) => z.int().min(min);

/** KDE bandwidths: a non-empty list of positive numbers. */
const bandwidths = () => z.array(z.number().positive()).min(1).describe('a non-empty list of positive KDE bandwidths');

/** A family's (or a family's on one prior) settings over the grid's. */
const trainingSettings = z.strictObject({
  posteriorConfig: z.record(z.string(), z.unknown()).describe('a JSON object of family options').optional(),
  beta: z.number().min(0).optional(),
  klWarmup: count(0).optional(),
  learningRate: z.number().positive().optional(),
  clipNorm: z.number().positive().optional(),
});

/**
 * The schema of a bench config, built per call because the names it accepts come from the
 * registries as they are now (a family is benchmarked by default once its package is imported).
 */
export function benchConfigSchema() {
  const families = listPosteriors();
  const priors = listPriors().map((p) => p.name);
  const datasets = listDatasets();
  return z.strictObject({
    families: names(families).default(listPosteriors({ wrappers: false })),
    priors: names(priors).default(DEFAULT_BENCH_PRIORS.filter((p) => priors.includes(p))),
    seeds: z
      .array(z.int().min(0).max(0xffffffff))
      .min(1)
      .refine((v) => new Set(v).size === v.length, { message: 'a list without duplicates' })
      .default([0]),
    datasets: names(datasets).default(['mnist']),
    baselines: names(listEmbeddings(), 0).default([]),
    genotypes: genotypeTaskOptionsSchema.optional(),
    dataDir: z.string().regex(/\S/).describe('a directory path').optional(),
    epochs: count(1).default(5),
    batchSize: count(1).default(128),
    learningRate: z.number().positive().default(1e-3),
    learningRateSchedule: z.enum(LEARNING_RATE_SCHEDULES as [LearningRateSchedule, ...LearningRateSchedule[]]).optional(),
    trainLimit: count(1).optional(),
    testLimit: count(1).optional(),
    validation: count(1).optional(),
    stepsPerEpoch: count(1).optional(),
    beta: z.number().min(0).default(1),
    klWarmup: count(0).default(0),
    iwaeK: count(0).default(100),
    knnK: count(1).default(20),
    latentNllSamples: count(1).default(10_000),
    latentNllBandwidths: bandwidths().optional(),
    altLatentNllBandwidths: bandwidths().optional(),
    evalDropout: z.boolean().optional(),
    hidden: z.array(count(1)).min(1).optional(),
    labels: z
      .array(count(0))
      .min(1)
      .refine((v) => new Set(v).size === v.length, { message: 'a list without duplicates' })
      .describe('a non-empty list of label budgets (integers >= 0)')
      .optional(),
    semiConfig: z.record(z.string(), z.unknown()).describe('a JSON object of the semi-supervised wrapper\'s options').optional(),
    posteriorConfig: z.record(z.string(), z.unknown()).describe('a JSON object of family options').default({}),
    familySettings: z
      .record(
        z.string(),
        z.strictObject({
          ...trainingSettings.shape,
          byPrior: z
            .record(z.string(), trainingSettings)
            .refine((v) => Object.keys(v).every((p) => priors.includes(p)), { message: `keys from the registered priors: ${priors.join(', ')}` })
            .describe('per-prior settings: {"<prior>": {posteriorConfig?, beta?, klWarmup?, learningRate?, clipNorm?}}')
            .optional(),
        }),
      )
      .describe('per-family settings: {"<family>": {posteriorConfig?, beta?, klWarmup?, learningRate?, clipNorm?, byPrior?}}')
      .optional(),
    latentSize: z.literal(2).describe('2 (the priors and the latent NLL are 2-D)').default(2),
    likelihood: z.enum(LIKELIHOODS).optional(),
    gaussianScale: z.number().positive().optional(),
    cifarSynthetic: z.strictObject({ trainSize: count(5), testSize: count(1), seed: z.int().min(0).max(0xffffffff) }).optional(),
  });
}

/**
 * Fills defaults and validates every value (parseConfig: errors name the key, the value and the
 * expectation; unknown keys get a did-you-mean). Names are checked against the registries.
 */
export function resolveBenchConfig(input: BenchConfigInput): BenchConfig {
  const parsed = parseConfig(benchConfigSchema(), input, 'bench config');
  // Optional keys only when set, so results.json has no "undefined" holes.
  const config = { ...parsed } as BenchConfig;
  for (const k of Object.keys(config) as (keyof BenchConfig)[]) if (config[k] === undefined) delete config[k];
  return config;
}
