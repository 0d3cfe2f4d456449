import { ValidationError, listPosteriors } from '@ddvi/core';
import { listPriors } from '@ddvi/distributions';
import { listEmbeddings } from '../baselines/registry';
import { listDatasets } from '../datasets/registry';
import { checkGenotypeTaskOptions } from '../genotypes/task';
import type { GenotypeTaskOptions } from '../genotypes/task';

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
  /** Examples kept from each split (undefined: all; toy: 5,000 / 1,000). */
  trainLimit?: number;
  testLimit?: number;
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
  /** Decoder and encoder hidden widths (undefined: the paper's [1000, 1000]). */
  hidden?: number[];
  /** Family-specific options passed to every family's createPosterior. */
  posteriorConfig: Record<string, unknown>;
  latentSize: number;
}

export type BenchConfigInput = Partial<BenchConfig>;

const KNOWN_KEYS: readonly (keyof BenchConfig)[] = [
  'families', 'priors', 'seeds', 'datasets', 'baselines', 'genotypes', 'dataDir', 'epochs', 'batchSize', 'learningRate', 'trainLimit', 'testLimit',
  'stepsPerEpoch', 'beta', 'klWarmup', 'iwaeK', 'knnK', 'latentNllSamples', 'hidden', 'posteriorConfig', 'latentSize',
];

function fail(param: string, expected: string, got: unknown): never {
  throw new ValidationError(`bench config: ${param} must be ${expected}, got ${JSON.stringify(got)}`);
}

function int(param: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(param, `an integer >= ${min}`, v);
  return v;
}

function positive(param: string, v: unknown, allowZero = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) fail(param, allowZero ? 'a number >= 0' : 'a number > 0', v);
  return v;
}

function names(param: string, v: unknown, known: readonly string[]): string[] {
  if (!Array.isArray(v) || v.length === 0) fail(param, `a non-empty list of names (known: ${known.join(', ')})`, v);
  for (const n of v) if (typeof n !== 'string' || !known.includes(n)) fail(param, `names from: ${known.join(', ')}`, n);
  if (new Set(v).size !== v.length) fail(param, 'a list without duplicates', v);
  return [...(v as string[])];
}

/**
 * Fills defaults and validates every value; names are checked against the registries (families,
 * priors, datasets), so a new family is benchmarked by default once its package is imported.
 */
export function resolveBenchConfig(input: BenchConfigInput): BenchConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) fail('config', 'a JSON object', input);
  for (const k of Object.keys(input)) {
    if (!(KNOWN_KEYS as readonly string[]).includes(k)) fail(k, `one of the known keys (${KNOWN_KEYS.join(', ')})`, k);
  }
  const families = listPosteriors();
  const priors = listPriors().map((p) => p.name);
  const datasets: string[] = listDatasets();
  const config: BenchConfig = {
    families: names('families', input.families ?? families, families),
    priors: names('priors', input.priors ?? DEFAULT_BENCH_PRIORS.filter((p) => priors.includes(p)), priors),
    seeds: (() => {
      const s = input.seeds ?? [0];
      if (!Array.isArray(s) || s.length === 0) fail('seeds', 'a non-empty list of integers >= 0', s);
      s.forEach((v, i) => int(`seeds[${i}]`, v, 0));
      if (new Set(s).size !== s.length) fail('seeds', 'a list without duplicates', s);
      return [...s];
    })(),
    datasets: names('datasets', input.datasets ?? ['mnist'], datasets),
    baselines: input.baselines === undefined || (Array.isArray(input.baselines) && input.baselines.length === 0)
      ? []
      : names('baselines', input.baselines, listEmbeddings()),
    epochs: int('epochs', input.epochs ?? 5, 1),
    batchSize: int('batchSize', input.batchSize ?? 128, 1),
    learningRate: positive('learningRate', input.learningRate ?? 1e-3),
    beta: positive('beta', input.beta ?? 1, true),
    klWarmup: int('klWarmup', input.klWarmup ?? 0, 0),
    iwaeK: int('iwaeK', input.iwaeK ?? 100, 0),
    knnK: int('knnK', input.knnK ?? 20, 1),
    latentNllSamples: int('latentNllSamples', input.latentNllSamples ?? 10_000, 1),
    posteriorConfig: (() => {
      const c = input.posteriorConfig ?? {};
      if (typeof c !== 'object' || c === null || Array.isArray(c)) fail('posteriorConfig', 'a JSON object', c);
      return { ...c };
    })(),
    latentSize: int('latentSize', input.latentSize ?? 2, 1),
  };
  if (input.dataDir !== undefined) {
    if (typeof input.dataDir !== 'string' || input.dataDir.trim() === '') fail('dataDir', 'a directory path', input.dataDir);
    config.dataDir = input.dataDir;
  }
  if (input.genotypes !== undefined) {
    try {
      checkGenotypeTaskOptions(input.genotypes);
    } catch (e) {
      throw new ValidationError(`bench config: ${(e as Error).message}`);
    }
    config.genotypes = JSON.parse(JSON.stringify(input.genotypes)) as GenotypeTaskOptions;
  }
  if (input.trainLimit !== undefined) config.trainLimit = int('trainLimit', input.trainLimit, 1);
  if (input.testLimit !== undefined) config.testLimit = int('testLimit', input.testLimit, 1);
  if (input.stepsPerEpoch !== undefined) config.stepsPerEpoch = int('stepsPerEpoch', input.stepsPerEpoch, 1);
  if (input.hidden !== undefined) {
    if (!Array.isArray(input.hidden) || input.hidden.length === 0) fail('hidden', 'a non-empty list of widths', input.hidden);
    input.hidden.forEach((w, i) => int(`hidden[${i}]`, w, 1));
    config.hidden = [...input.hidden];
  }
  if (config.latentSize !== 2) fail('latentSize', '2 (the priors and the latent NLL are 2-D)', config.latentSize);
  return config;
}
