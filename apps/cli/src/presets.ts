/**
 * Named bundles of training settings. Flags given explicitly always win over the preset.
 * Without --preset, `quick` applies.
 */
export interface PresetSettings {
  posterior: string;
  prior: string;
  dataset: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Examples kept from each split (undefined: the whole split). */
  trainLimit?: number;
  testLimit?: number;
  beta: number;
  /** Epochs over which the KL weight rises linearly from 0 to beta (0: no warm-up). */
  klWarmup: number;
  iwaeK: number;
}

export interface Preset {
  name: string;
  description: string;
  settings: PresetSettings;
}

const COMMON = { posterior: 'gaussian', prior: 'pinwheel', dataset: 'mnist', batchSize: 128, beta: 1, iwaeK: 100 };

export const PRESETS: Record<string, Preset> = {
  quick: {
    name: 'quick',
    description: 'a few minutes on 2 cores: 5,000 train / 1,000 test MNIST images, 5 epochs, lr 1e-3',
    settings: { ...COMMON, epochs: 5, learningRate: 1e-3, trainLimit: 5000, testLimit: 1000, klWarmup: 0 },
  },
  paper: {
    name: 'paper',
    description:
      "the spec's mean-field VAE baseline (§7): full MNIST, 200 epochs, lr 1e-4, batch 128, KL weight warmed up linearly over the first 80% of epochs",
    settings: { ...COMMON, epochs: 200, learningRate: 1e-4, klWarmup: 160 },
  },
};

export const DEFAULT_PRESET = 'quick';

export function listPresets(): string[] {
  return Object.keys(PRESETS);
}
