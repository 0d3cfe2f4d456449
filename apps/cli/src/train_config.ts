import { join } from 'node:path';
import { BACKEND_NAMES, listPosteriors } from '@ddvi/core';
import type { BackendName } from '@ddvi/core';
import { CIFAR_GAUSSIAN_SCALE, CIFAR_SOURCE_HINT, CIFAR_TRUNK, listDatasets } from '@ddvi/benchmarks';
import type { TrunkSpec } from '@ddvi/benchmarks';
import { listPriors } from '@ddvi/distributions';
import { LIKELIHOODS } from '@ddvi/models';
import type { LikelihoodName } from '@ddvi/models';
import { UsageError } from './errors';
import { choice, integer, jsonObject, nonNegativeNumber, positiveNumber, seed, widths } from './parse';
import { REQUIRE_HINT } from './plugins';
import { DEFAULT_PRESET, PRESETS, listPresets } from './presets';

/** `ddvi train` flags as commander hands them over: strings, undefined when not given. */
export interface TrainFlags {
  preset?: string;
  posterior?: string;
  posteriorConfig?: string;
  prior?: string;
  dataset?: string;
  dataDir?: string;
  epochs?: string;
  batchSize?: string;
  lr?: string;
  seed?: string;
  trainLimit?: string;
  testLimit?: string;
  labels?: string;
  validation?: string;
  stepsPerEpoch?: string;
  beta?: string;
  klWarmup?: string;
  likelihood?: string;
  hidden?: string;
  backend?: string;
  out?: string;
  resume?: boolean;
  overwrite?: boolean;
  checkpointEvery?: string;
  iwaeK?: string;
  logEvery?: string;
  require?: string[];
  /** Set by the plugin hook (../plugins): the file URLs of the modules loaded, recorded in run.json. */
  loadedPlugins?: string[];
}

/** Everything a training run needs, validated; written to metrics.json as the run's config. */
export interface TrainConfig {
  preset: string;
  posterior: string;
  /** Family-specific options passed to createPosterior (from --posterior-config and --hidden). */
  posteriorConfig: Record<string, unknown>;
  prior: string;
  dataset: string;
  dataDir?: string;
  latentSize: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  trainLimit?: number;
  testLimit?: number;
  /** Semi-supervised: training examples that keep their label (the rest, and every test example, are unlabelled). */
  labels?: number;
  /**
   * Hold out this many seeded training examples and evaluate on them instead of the test split: the
   * split on which hyperparameters are chosen, so the test set is never tuned on.
   */
  validation?: number;
  stepsPerEpoch?: number;
  beta: number;
  klWarmup: number;
  likelihood: LikelihoodName;
  /** Decoder hidden widths (undefined: the model's default, the paper's [1000, 1000]). */
  hidden?: number[];
  /** The decoder's architecture and the Gaussian likelihood's scale when the dataset sets them (CIFAR-10: the conv decoder, sqrt(1/2)). */
  trunk?: TrunkSpec;
  gaussianScale?: number;
  /** undefined: DDVI_BACKEND or auto-detection decides. */
  backend?: BackendName;
  out: string;
  resume: boolean;
  overwrite: boolean;
  checkpointEvery?: number;
  iwaeK: number;
  logEvery?: number;
}

/** The paper's networks use 2-D latents throughout (spec §6). */
export const LATENT_SIZE = 2;

/**
 * Merges the preset with the explicit flags (flags win) and validates every value, so a run never
 * starts with a bad setting. Names are checked against the registries, not hard-coded lists.
 */
export function resolveTrainConfig(flags: TrainFlags): TrainConfig {
  const presetName = choice('--preset', flags.preset ?? DEFAULT_PRESET, listPresets());
  const p = PRESETS[presetName]!.settings;
  const opt = <T>(raw: string | undefined, parse: (raw: string) => T): T | undefined => (raw === undefined ? undefined : parse(raw));

  const posterior = choice('--posterior', flags.posterior ?? p.posterior, listPosteriors(), 'a registered posterior family:', REQUIRE_HINT);
  const prior = choice('--prior', flags.prior ?? p.prior, listPriors().map((p) => p.name), 'a registered prior:');
  const dataset = choice('--dataset', flags.dataset ?? p.dataset, listDatasets());
  const cifar = dataset === 'cifar10';
  const likelihood = choice('--likelihood', flags.likelihood ?? (cifar ? 'gaussian' : 'bernoulli'), LIKELIHOODS);
  const backend = opt(flags.backend, (r) => choice('--backend', r, BACKEND_NAMES));
  const epochs = opt(flags.epochs, (r) => integer('--epochs', r, 1)) ?? p.epochs;
  const batchSize = opt(flags.batchSize, (r) => integer('--batch-size', r, 1)) ?? p.batchSize;
  const learningRate = opt(flags.lr, (r) => positiveNumber('--lr', r)) ?? p.learningRate;
  const runSeed = opt(flags.seed, (r) => seed('--seed', r)) ?? 0;
  const trainLimit = opt(flags.trainLimit, (r) => integer('--train-limit', r, 1)) ?? p.trainLimit;
  const testLimit = opt(flags.testLimit, (r) => integer('--test-limit', r, 1)) ?? p.testLimit;
  const stepsPerEpoch = opt(flags.stepsPerEpoch, (r) => integer('--steps-per-epoch', r, 1));
  const labels = opt(flags.labels, (r) => integer('--labels', r, 0));
  const validation = opt(flags.validation, (r) => integer('--validation', r, 1));
  const beta = opt(flags.beta, (r) => nonNegativeNumber('--beta', r)) ?? p.beta;
  // A preset's warm-up is a fraction of its own epochs; scale it when --epochs changes the length.
  const presetWarmup = p.klWarmup === 0 ? 0 : Math.max(1, Math.round((p.klWarmup / p.epochs) * epochs));
  const klWarmup = opt(flags.klWarmup, (r) => integer('--kl-warmup', r, 0)) ?? presetWarmup;
  const hidden = opt(flags.hidden, (r) => widths('--hidden', r));
  const checkpointEvery = opt(flags.checkpointEvery, (r) => integer('--checkpoint-every', r, 1));
  const iwaeK = opt(flags.iwaeK, (r) => integer('--iwae-k', r, 0)) ?? p.iwaeK;
  const logEvery = opt(flags.logEvery, (r) => integer('--log-every', r, 1));
  const posteriorConfig = opt(flags.posteriorConfig, (r) => jsonObject('--posterior-config', r)) ?? {};
  if (hidden !== undefined) {
    if ('hidden' in posteriorConfig) throw new UsageError('--hidden and --posterior-config {"hidden": ...} both set the encoder widths; give one');
    posteriorConfig.hidden = hidden;
  }
  if (flags.resume && flags.overwrite) throw new UsageError('--resume and --overwrite contradict each other; give one');
  if (flags.out !== undefined && flags.out.trim() === '') throw new UsageError('--out must be a directory path, got ""');
  if (flags.dataDir !== undefined && flags.dataDir.trim() === '') throw new UsageError('--data-dir must be a directory path, got ""');
  if (cifar && flags.dataDir === undefined) throw new UsageError(`--dataset cifar10 needs --data-dir DIR: ${CIFAR_SOURCE_HINT}`);
  // CIFAR-10: every encoder (and DDVI's context encoder) reads x with the spec's conv trunk (§6).
  if (cifar && !('trunk' in posteriorConfig)) posteriorConfig.trunk = CIFAR_TRUNK;

  const out = flags.out ?? join('runs', `${dataset}-${posterior}-${prior}-seed${runSeed}`);
  const config: TrainConfig = {
    preset: presetName, posterior, posteriorConfig, prior, dataset, latentSize: LATENT_SIZE, epochs, batchSize, learningRate,
    seed: runSeed, beta, klWarmup, likelihood, out, resume: flags.resume === true, overwrite: flags.overwrite === true, iwaeK,
  };
  // Optional keys only when set, so the JSON record has no "undefined" holes.
  const optional = {
    dataDir: flags.dataDir, trainLimit, testLimit, labels, validation, stepsPerEpoch, hidden, backend, checkpointEvery, logEvery,
    ...(cifar ? { trunk: CIFAR_TRUNK, gaussianScale: CIFAR_GAUSSIAN_SCALE } : {}),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (config as unknown as Record<string, unknown>)[k] = v;
  return config;
}
