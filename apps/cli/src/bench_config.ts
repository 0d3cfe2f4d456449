import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError, parseConfig, z } from '@ddvi/core';
import { benchConfigSchema, resolveBenchConfig } from '@ddvi/benchmarks';
import { LIKELIHOODS } from '@ddvi/models';
import type { BenchConfig, BenchConfigInput } from '@ddvi/benchmarks';
import { BENCH_PRESETS, DEFAULT_BENCH_PRESET, listBenchPresets } from './bench_presets';
import { UsageError } from './errors';
import { choice, integer, positiveNumber, seed, widths } from './parse';
import { REQUIRE_HINT } from './plugins';

/** `ddvi bench` flags as commander hands them over. */
export interface BenchFlags {
  preset?: string;
  config?: string;
  families?: string;
  priors?: string;
  seeds?: string;
  datasets?: string;
  baselines?: string;
  dataDir?: string;
  epochs?: string;
  batchSize?: string;
  lr?: string;
  trainLimit?: string;
  testLimit?: string;
  validation?: string;
  stepsPerEpoch?: string;
  /** Semi-supervised label budgets, e.g. "1000" or "10,50,250,1000" (one grid axis). */
  labels?: string;
  iwaeK?: string;
  hidden?: string;
  likelihood?: string;
  backend?: string;
  out?: string;
  /** Executor and Slurm flags (./slurm_flags). */
  executor?: string;
  checkpointEvery?: string;
  partition?: string;
  time?: string;
  cpusPerTask?: string;
  mem?: string;
  account?: string;
  sbatch?: string[];
  cellsPerTask?: string;
  maxParallel?: string;
  ddviCommand?: string;
  require?: string[];
  /** Cells computed at once by the local executor, each in its own process. */
  jobs?: string;
  /** Print the grid's training-time estimate and stop. */
  estimateOnly?: boolean;
  /** Set by the plugin hook (./plugins): the resolved URLs of the modules --require and the config file imported. */
  loadedPlugins?: string[];
}

function list(flag: string, raw: string): string[] {
  const parts = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (parts.length === 0) throw new UsageError(`${flag} must be a comma-separated list of names, got ${JSON.stringify(raw)}`);
  return parts;
}

/** Seeds as "0,1,2" or a range "0-4". */
function seedList(flag: string, raw: string): number[] {
  const range = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(raw);
  if (range) {
    const a = seed(flag, range[1]!);
    const b = seed(flag, range[2]!);
    if (b < a) throw new UsageError(`${flag} range must run upwards (e.g. 0-4), got ${JSON.stringify(raw)}`);
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  }
  return list(flag, raw).map((s) => seed(flag, s));
}

function readConfigFile(path: string): BenchConfigInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--config ${path}: cannot read it (${(e as Error).message})`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--config ${path}: not valid JSON (${(e as Error).message})`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new UsageError(`--config ${path}: must hold a JSON object of bench settings`);
  // Imported before the config is resolved (./plugins); not a setting of the grid.
  delete (v as { plugins?: unknown }).plugins;
  // Checked on its own first, so a misspelled key or a bad value is reported against the file that holds it;
  // `slurm` is known here (its did-you-mean included) and split off before the bench config is resolved.
  const fileSchema = benchConfigSchema().partial().extend({ slurm: z.unknown().describe('Slurm executor settings (an object, see --executor slurm)').optional() });
  parseConfig(fileSchema, v, `--config ${path}`);
  return v as BenchConfigInput;
}

export interface ResolvedBench {
  preset: string;
  config: BenchConfig;
  out: string;
  backend?: string;
  /** The --config file's `slurm` object, unvalidated (./slurm_flags merges it with the flags). */
  slurm?: unknown;
}

/** Preset, then the --config file, then explicit flags (each wins over the one before); validated by resolveBenchConfig. */
export function resolveBench(flags: BenchFlags): ResolvedBench {
  const preset = choice('--preset', flags.preset ?? DEFAULT_BENCH_PRESET, listBenchPresets());
  const input: BenchConfigInput = { ...BENCH_PRESETS[preset]!.settings };
  let slurm: unknown;
  if (flags.config !== undefined) {
    const { slurm: fileSlurm, ...file } = readConfigFile(flags.config) as BenchConfigInput & { slurm?: unknown };
    slurm = fileSlurm;
    // The paper preset's warm-up is a fraction of its epochs; a file that changes the epochs gets none unless it says so.
    if (file.epochs !== undefined && file.klWarmup === undefined) input.klWarmup = 0;
    // So are the reference preset's per-family warm-ups: dropped when a file changes the epochs and gives no familySettings.
    if (file.epochs !== undefined && file.familySettings === undefined && input.familySettings) input.familySettings = scaleWarmups(input.familySettings, () => 0);
    Object.assign(input, file);
  }
  const set = <K extends keyof BenchConfigInput>(key: K, raw: string | undefined, parse: (r: string) => BenchConfigInput[K]) => {
    if (raw !== undefined) input[key] = parse(raw);
  };
  set('families', flags.families, (r) => list('--families', r));
  set('priors', flags.priors, (r) => list('--priors', r));
  set('seeds', flags.seeds, (r) => seedList('--seeds', r));
  set('datasets', flags.datasets, (r) => list('--datasets', r));
  set('baselines', flags.baselines, (r) => (r.trim() === 'none' ? [] : list('--baselines', r)));
  set('dataDir', flags.dataDir, (r) => {
    if (r.trim() === '') throw new UsageError('--data-dir must be a directory path, got ""');
    return r;
  });
  if (flags.epochs !== undefined) {
    const epochs = integer('--epochs', flags.epochs, 1);
    const p = input.epochs ?? epochs;
    const scale = (w: number) => Math.max(1, Math.round((w / p) * epochs));
    if (input.klWarmup) input.klWarmup = scale(input.klWarmup);
    if (input.familySettings) input.familySettings = scaleWarmups(input.familySettings, scale);
    input.epochs = epochs;
  }
  set('batchSize', flags.batchSize, (r) => integer('--batch-size', r, 1));
  set('learningRate', flags.lr, (r) => positiveNumber('--lr', r));
  set('trainLimit', flags.trainLimit, (r) => integer('--train-limit', r, 1));
  set('testLimit', flags.testLimit, (r) => integer('--test-limit', r, 1));
  set('validation', flags.validation, (r) => integer('--validation', r, 1));
  set('stepsPerEpoch', flags.stepsPerEpoch, (r) => integer('--steps-per-epoch', r, 1));
  set('iwaeK', flags.iwaeK, (r) => integer('--iwae-k', r, 0));
  set('labels', flags.labels, (r) => list('--labels', r).map((v) => integer('--labels', v, 0)));
  set('hidden', flags.hidden, (r) => widths('--hidden', r));
  set('likelihood', flags.likelihood, (r) => choice('--likelihood', r, LIKELIHOODS));
  if (flags.out !== undefined && flags.out.trim() === '') throw new UsageError('--out must be a directory path, got ""');
  let config: BenchConfig;
  try {
    config = resolveBenchConfig(input);
  } catch (e) {
    // Name the flag where the setting came from one.
    if (e instanceof ValidationError) {
      const plugin = /^bench config: families/.test(e.message) ? `; ${REQUIRE_HINT} (or list it under "plugins" in --config)` : '';
      throw new UsageError(`${flagHint(e.message)}${e.message}${plugin}`);
    }
    throw e;
  }
  const out = flags.out ?? join('runs', `bench-${preset}`);
  return { preset, config, out, ...(flags.backend !== undefined ? { backend: flags.backend } : {}), ...(slurm !== undefined ? { slurm } : {}) };
}

/** Per-family (and per-prior) settings with each non-zero KL warm-up mapped (a copy: the preset's own object is never changed). */
function scaleWarmups(settings: NonNullable<BenchConfigInput['familySettings']>, map: (w: number) => number): NonNullable<BenchConfigInput['familySettings']> {
  const scaled = <S extends { klWarmup?: number }>(s: S): S => (s.klWarmup ? { ...s, klWarmup: map(s.klWarmup) } : s);
  return Object.fromEntries(
    Object.entries(settings).map(([family, s]) => {
      const own = scaled(s);
      return [family, s.byPrior ? { ...own, byPrior: Object.fromEntries(Object.entries(s.byPrior).map(([prior, p]) => [prior, scaled(p)])) } : own];
    }),
  );
}

const FLAG_OF: Record<string, string> = {
  families: '--families', priors: '--priors', seeds: '--seeds', datasets: '--datasets', baselines: '--baselines', epochs: '--epochs', batchSize: '--batch-size',
  learningRate: '--lr', trainLimit: '--train-limit', testLimit: '--test-limit', validation: '--validation', iwaeK: '--iwae-k', hidden: '--hidden', labels: '--labels',
};

function flagHint(message: string): string {
  const m = /^bench config: (\w+)/.exec(message);
  const flag = m ? FLAG_OF[m[1]!] : undefined;
  return flag ? `${flag} (or the --config key ${m![1]}): ` : '';
}
