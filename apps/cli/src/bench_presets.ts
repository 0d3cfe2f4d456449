import type { BenchConfigInput } from '@ddvi/benchmarks';

/** Named bundles of `ddvi bench` settings; a --config file and explicit flags override them. */
export interface BenchPreset {
  name: string;
  description: string;
  settings: BenchConfigInput;
}

export const BENCH_PRESETS: Record<string, BenchPreset> = {
  quick: {
    name: 'quick',
    description:
      'the README default, under 15 minutes on 2 cores: every registered family, pinwheel prior, seed 0, ' +
      '4,000 train / 500 test MNIST images, 4 epochs, lr 1e-3, IWAE k 50 (measured: 7 min for 7 families on 2 cores, wasm)',
    settings: {
      datasets: ['mnist'], priors: ['pinwheel'], seeds: [0], epochs: 4, batchSize: 128, learningRate: 1e-3,
      trainLimit: 4000, testLimit: 500, iwaeK: 50, beta: 1, klWarmup: 0,
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
      '40 epochs, batch 128, lr 2e-3 (about 15 minutes on 2 busy cores)',
    settings: {
      datasets: ['genotypes'], priors: ['pinwheel'], baselines: ['pca', 'umap', 'tsne'], seeds: [0], epochs: 40, batchSize: 128,
      learningRate: 2e-3, hidden: [100, 100, 100], iwaeK: 50, beta: 1, klWarmup: 0, genotypes: { components: 15 },
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
