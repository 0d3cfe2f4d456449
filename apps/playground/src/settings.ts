import { BACKEND_CHOICES } from './backend_choice';
import type { BackendChoice } from './backend_choice';

/** The datasets the page offers: the 2-D toy of `ddvi train --dataset toy` and an MNIST subset. */
export const DATASETS = ['toy', 'mnist'] as const;
export type DatasetName = (typeof DATASETS)[number];

/** The priors the form offers, by their registry names (the worker checks they are registered). */
export const PRIOR_CHOICES = ['pinwheel', 'swiss_roll', 'square'] as const;

/** A validated training request: what the worker builds the model, posterior and trainer from. */
export interface PlaygroundSettings {
  prior: string;
  posterior: string;
  dataset: DatasetName;
  learningRate: number;
  latentSize: number;
  /** Optimizer steps asked for; the trainer runs whole epochs, so at most this many plus one per epoch. */
  steps: number;
  batchSize: number;
  /** Decoder and encoder hidden widths (the families' shared `hidden` option). */
  hidden: number[];
  seed: number;
  /** Family-specific options, as `ddvi train --posterior-config` takes them. */
  posteriorConfig: Record<string, unknown>;
  backend: BackendChoice;
}

export type SettingsField = keyof PlaygroundSettings;

/** The form's values as typed, one string per field. */
export type RawSettings = Record<SettingsField, string>;

/** What the worker reported it can build: registered families and each offered prior's latent size. */
export interface SettingsContext {
  posteriors: readonly string[];
  priors: readonly { name: string; latentSize: number }[];
}

export type SettingsResult =
  | { ok: true; settings: PlaygroundSettings }
  | { ok: false; errors: Partial<Record<SettingsField, string>> };

export const DEFAULT_RAW: RawSettings = {
  prior: 'pinwheel',
  posterior: 'gaussian',
  dataset: 'toy',
  learningRate: '0.003',
  latentSize: '2',
  steps: '300',
  batchSize: '100',
  hidden: '64, 64',
  seed: '0',
  posteriorConfig: '',
  backend: 'auto',
};

/** Bounds that keep a browser tab usable; the CLI is the tool for bigger runs. */
const MAX_STEPS = 100_000;
const MAX_BATCH = 5_000;
const MAX_WIDTH = 2_048;

/**
 * Checks every field and returns either the settings or one message per bad field, naming the
 * field, what it must be and what it got; never throws, so the page can always show the messages.
 */
export function validateSettings(raw: RawSettings, context: SettingsContext): SettingsResult {
  const errors: Partial<Record<SettingsField, string>> = {};
  const fail = (field: SettingsField, message: string): undefined => {
    errors[field] = message;
    return undefined;
  };
  const choice = <T extends string>(field: SettingsField, label: string, options: readonly T[]): T | undefined =>
    (options as readonly string[]).includes(raw[field]) ? (raw[field] as T) : fail(field, `${label} must be one of ${options.join(', ')}, got ${JSON.stringify(raw[field])}`);
  const integer = (field: SettingsField, label: string, min: number, max: number): number | undefined => {
    const text = raw[field].trim();
    const v = Number(text);
    if (text === '' || !Number.isInteger(v) || v < min || v > max) {
      return fail(field, `${label} must be an integer in [${min}, ${max}], got ${JSON.stringify(raw[field])}`);
    }
    return v;
  };

  const priorNames = context.priors.map((p) => p.name);
  const prior = choice('prior', 'prior', priorNames);
  const posterior = choice('posterior', 'posterior family', context.posteriors);
  const dataset = choice('dataset', 'dataset', DATASETS);
  const backend = choice('backend', 'backend', BACKEND_CHOICES);

  const lrText = raw.learningRate.trim();
  const learningRate = Number(lrText);
  if (lrText === '' || !Number.isFinite(learningRate) || learningRate <= 0 || learningRate > 1) {
    fail('learningRate', `learning rate must be a number in (0, 1], got ${JSON.stringify(raw.learningRate)}`);
  }

  const latentSize = integer('latentSize', 'latent size', 1, 64);
  const priorLatent = context.priors.find((p) => p.name === prior)?.latentSize;
  if (latentSize !== undefined && priorLatent !== undefined && latentSize !== priorLatent) {
    fail('latentSize', `latent size must be ${priorLatent}: the ${prior} prior is over ${priorLatent}-D latents, got ${latentSize}`);
  }
  const steps = integer('steps', 'steps', 1, MAX_STEPS);
  const batchSize = integer('batchSize', 'batch size', 1, MAX_BATCH);
  const seed = integer('seed', 'seed', 0, 0xffffffff);

  const widths = raw.hidden.split(',').map((w) => w.trim());
  const hidden = widths.map(Number);
  if (widths.some((w) => w === '') || hidden.some((w) => !Number.isInteger(w) || w < 1 || w > MAX_WIDTH)) {
    fail('hidden', `hidden widths must be a comma-separated list of integers in [1, ${MAX_WIDTH}], e.g. "64, 64", got ${JSON.stringify(raw.hidden)}`);
  }

  let posteriorConfig: Record<string, unknown> = {};
  if (raw.posteriorConfig.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(raw.posteriorConfig);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        fail('posteriorConfig', `posterior config must be a JSON object, e.g. {"noising": {"kind": "linear", "T": 5}}, got ${raw.posteriorConfig.trim()}`);
      } else if ('hidden' in parsed) {
        fail('posteriorConfig', 'posterior config: give the encoder widths in "hidden widths", not as a "hidden" key here');
      } else {
        posteriorConfig = parsed as Record<string, unknown>;
      }
    } catch (e) {
      fail('posteriorConfig', `posterior config must be a JSON object: ${(e as Error).message}`);
    }
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    settings: {
      prior: prior!, posterior: posterior!, dataset: dataset!, learningRate, latentSize: latentSize!, steps: steps!, batchSize: batchSize!,
      hidden, seed: seed!, posteriorConfig, backend: backend!,
    },
  };
}
