import { SeedStream } from '@ddvi/core';
import type { Dataset } from '@ddvi/core';
import { createPrior } from '@ddvi/distributions';
import { makeToyDataset } from './toy';

// The toy recipe without file access, so a browser builds the same splits as `ddvi train --dataset toy`.

export interface SplitOptions {
  dataset: string;
  dataDir?: string;
  /** Examples kept from each split (undefined: all; toy: TOY_TRAIN / TOY_TEST). */
  trainLimit?: number;
  testLimit?: number;
  /** The prior, for the toy dataset's ground-truth latents. */
  prior: string;
  latentSize: number;
}

export interface Splits {
  /** undefined when only the test split was asked for. */
  train?: Dataset;
  test: Dataset;
  /** How one example is drawn as an image [rows, cols] (MNIST: 28 x 28). */
  imageShape: [number, number];
  /** What a label means, for plot legends. */
  labelName: string;
}

/** Subsets are drawn with this fixed seed, so runs that differ only in their seed see the same examples. */
export const SUBSET_SEED = 0;

/** Toy dataset sizes when no limit is given. */
export const TOY_TRAIN = 5000;
export const TOY_TEST = 1000;
const TOY_DATA_SIZE = 64;

/**
 * x = sigmoid(A z + b) with z drawn from the run's prior, so the ground-truth latent space has the
 * prior's shape; each example's label is the prior class it came from (pinwheel arm, segment, ...).
 */
export function toySplits(options: Pick<SplitOptions, 'prior' | 'latentSize' | 'trainLimit' | 'testLimit'>, testOnly = false): Splits {
  const prior = createPrior(options.prior);
  const root = new SeedStream(SUBSET_SEED).fork('toy');
  const make = (name: string, n: number) => {
    const { z, label } = prior.sampleWithClass(root.fork(name), n);
    const latents = z.dataSync() as Float32Array;
    const labels = label.dataSync() as Int32Array;
    z.dispose();
    label.dispose();
    return makeToyDataset({
      name: `toy-${name}`, latents: Float32Array.from(latents), labels: Int32Array.from(labels), numClasses: prior.numClasses,
      dataSize: TOY_DATA_SIZE, latentSize: options.latentSize, seed: SUBSET_SEED,
    });
  };
  try {
    const test = make('test', options.testLimit ?? TOY_TEST);
    const train = testOnly ? undefined : make('train', options.trainLimit ?? TOY_TRAIN);
    const side = Math.round(Math.sqrt(TOY_DATA_SIZE));
    return { train, test, imageShape: [side, TOY_DATA_SIZE / side], labelName: 'prior class' };
  } finally {
    prior.dispose();
  }
}
