import type { BenchConfigInput } from '@ddvi/benchmarks';
import { REFERENCE_SETTINGS } from './bench_preset_reference';

/** Named bundles of `ddvi bench` settings; a --config file and explicit flags override them. */
export interface BenchPreset {
  name: string;
  description: string;
  settings: BenchConfigInput;
}

/**
 * DDVI's chain on the broad priors of the `standard` preset: two steps, both guided by the prior.
 * Chosen on that budget's own validation split (18,000 of the 20,000 training images, 2,000 held out;
 * docs/ddvi.md): on the swiss roll T = 2 beat T = 5 and the default T = 40 on IWAE and kNN at seeds 0 and 1,
 * on the square at seed 0 (T = 40 -> 5 -> 2: kNN 0.426 -> 0.509 -> 0.586); on the pinwheel, whose arms are
 * 0.005 wide, the default's 40 steps beat T = 5 by 15.8 nats IWAE and 0.115 kNN, so it keeps them.
 */
const SHORT_CHAIN = { posteriorConfig: { noising: { kind: 'linear', T: 2 }, priorGuidance: 2 } };

export const BENCH_PRESETS: Record<string, BenchPreset> = {
  quick: {
    name: 'quick',
    description:
      'the README default, under 15 minutes on 2 cores: every registered family, pinwheel prior, seed 0, ' +
      '4,000 train / 500 test MNIST images, 4 epochs, lr 1e-3, IWAE k 50 (measured 2026-12-07: 2 minutes for 7 families with --jobs 2 and the native products, 4 without)',
    settings: {
      datasets: ['mnist'], priors: ['pinwheel'], seeds: [0], epochs: 4, batchSize: 128, learningRate: 1e-3,
      trainLimit: 4000, testLimit: 500, iwaeK: 50, beta: 1, klWarmup: 0,
    },
  },
  standard: {
    name: 'standard',
    description:
      'the comparison at a larger budget (at 20 epochs instead of 10 DDVI\'s place among DDVI, IAF and mean-field did not move on the swiss roll, seed 0, though its gaps narrowed: docs/ddvi.md): every registered family, ' +
      'priors pinwheel, swiss_roll and square, seeds 0-2, 20,000 train MNIST images and the full 10,000 test images, 10 epochs, lr 1e-3, IWAE k 50, ' +
      "beta 1 for every family; DDVI's chain per prior, chosen on this budget's validation split: 2 guided steps on the swiss roll and the square, the default 40 on the pinwheel " +
      '(about 3 hours on 2 idle cores with --jobs 2: its own estimate on 2026-12-07 was 2h54m of training, evaluation and latent scores, checkpoints and plots (about 2 minutes) on top; it prints that estimate first and resumes after a stop)',
    settings: {
      datasets: ['mnist'], priors: ['pinwheel', 'swiss_roll', 'square'], seeds: [0, 1, 2], epochs: 10, batchSize: 128, learningRate: 1e-3,
      trainLimit: 20000, iwaeK: 50, beta: 1, klWarmup: 0,
      familySettings: { ddvi: { byPrior: { swiss_roll: SHORT_CHAIN, square: SHORT_CHAIN } } },
    },
  },
  paper: {
    name: 'paper',
    description:
      "the spec's settings (§7, §10): full MNIST, every registered family, priors pinwheel, swiss_roll and square, seeds 0-4, " +
      '200 epochs, lr 1e-4, batch 128, KL warm-up over the first 80% of epochs, IWAE k 1000 (days on 2 cores)',
    settings: {
      datasets: ['mnist'], priors: ['pinwheel', 'swiss_roll', 'square'], seeds: [0, 1, 2, 3, 4], epochs: 200, batchSize: 128,
      learningRate: 1e-4, iwaeK: 1000, beta: 1, klWarmup: 160,
    },
  },
  genotypes: {
    name: 'genotypes',
    description:
      'the ancestry task (spec §11, §10.4) on a simulated cohort: 5 populations (Balding–Nichols, F_ST 0.1) x 100 individuals ' +
      '+ 100 admixed (Dirichlet(1)), 5,000 SNPs, the top 15 PCs (the spec\'s "small" variant: widths 100,100,100), 20% of each ' +
      'population held out; every registered family with the pinwheel prior, and the PCA, UMAP and t-SNE baselines; seed 0, ' +
      '40 epochs, batch 128, lr 2e-3; DDVI with 80 sleep updates per step (chosen on a validation cohort, docs/genotypes.md; ' +
      'the other families at their defaults) (about 15 minutes on 2 busy cores)',
    settings: {
      datasets: ['genotypes'], priors: ['pinwheel'], baselines: ['pca', 'umap', 'tsne'], seeds: [0], epochs: 40, batchSize: 128,
      learningRate: 2e-3, hidden: [100, 100, 100], iwaeK: 50, beta: 1, klWarmup: 0, genotypes: { components: 15 },
      // 4 steps an epoch leave the denoiser 480 sleep updates at the default 3 a step: too few to learn the prior's reverse
      // chain, and the bound drifts off the arms (docs/genotypes.md, "Sleep updates"). 80 won on the validation cohort.
      familySettings: { ddvi: { posteriorConfig: { sleepRepeats: 80 } } },
    },
  },
  reference: {
    name: 'reference',
    description:
      "the reference code's protocol (docs/reference-protocol.md), to set our numbers beside the original's at equal epochs: full MNIST, " +
      'mean-field (vae), IAF, H-IAF, AAE and DDVI with their own weights and lr (KL weights x 784 pixels: vae and IAF beta 7.84, H-IAF 3.92 with ' +
      'the KL warm-up over 80% of the epochs; DDVI 2.352; lr 1e-4, AAE 2e-4), staged DDVI with the Huber wake and the deterministic DDIM chain ' +
      "(its bound n/a), dropout on at evaluation, kNN-20 on the training latents, latent NLL with run.py's bandwidths beside ours; priors " +
      'pinwheel, swiss_roll, square, seeds 0-4, 200 epochs (estimated ~213 days of training on 2 cores, ~107 with --jobs 2: a cluster grid; --epochs, --train-limit and --seeds for less; ' +
      "no p_weight knob: the vae's 5 and H-IAF's 0.5 are not applied)",
    settings: REFERENCE_SETTINGS,
  },
  semi: {
    name: 'semi',
    description:
      'semi-supervised MNIST (spec §5.1, §8; D6): every registered family in its semi-supervised form (its own for DDVI and the AAE, ' +
      'the shared wrapper for the others) with exactly 1,000 seeded labels (--labels 10,50,250,1000 for the budget curve), ' +
      'pinwheel prior, seed 0, 4,000 train / 500 test images, 3 epochs, lr 1e-3, IWAE k 50 (estimated 11-15 min in one process on 2 idle cores, ' +
      '6-8 min with --jobs 2; docs/semi-supervised.md)',
    settings: {
      datasets: ['mnist'], priors: ['pinwheel'], seeds: [0], labels: [1000], epochs: 3, batchSize: 128, learningRate: 1e-3,
      trainLimit: 4000, testLimit: 500, iwaeK: 50, beta: 1, klWarmup: 0,
    },
  },
};

/** The cifar-smoke preset's generated stand-in set (one shape and hue per class; `synthesizeCifar10`). */
const CIFAR_SMOKE_SET = { trainSize: 600, testSize: 200, seed: 0 };

BENCH_PRESETS['cifar-smoke'] = {
  name: 'cifar-smoke',
  description:
    'the CIFAR-10 path end to end in a few minutes on 2 cores: every registered family on the spec\'s conv nets (§6), pinwheel prior, ' +
    'seed 0, on --data-dir when given, else on a generated stand-in set in the CIFAR-10 binary format (600 train / 200 test ' +
    'images, one shape and hue per class, written to <out>/cifar10-generated), 500 train / 200 test images used; 2 epochs, batch 50, lr 1e-3, encoder head 256, IWAE k 10',
  settings: {
    datasets: ['cifar10'], priors: ['pinwheel'], seeds: [0], epochs: 2, batchSize: 50, learningRate: 1e-3, hidden: [256], trainLimit: 500, testLimit: 200,
    iwaeK: 10, beta: 1, klWarmup: 0, latentNllSamples: 2000, cifarSynthetic: CIFAR_SMOKE_SET,
  },
};

export const DEFAULT_BENCH_PRESET = 'quick';

export function listBenchPresets(): string[] {
  return Object.keys(BENCH_PRESETS);
}
