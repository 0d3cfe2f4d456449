import { ValidationError } from '@ddvi/core';
import { MNIST_COLS, MNIST_ROWS, loadMnist } from '../datasets/mnist';
import type { LikelihoodName } from '@ddvi/models';
import { TensorDataset } from '@ddvi/core';
import type { TrunkSpec } from './cell_data';
import { cifarSplits } from './cifar_splits';
import { SUBSET_SEED, toySplits } from '../datasets/toy_splits';
import type { SplitOptions as ToySplitOptions, Splits as ToySplits } from '../datasets/toy_splits';
import { loadGenotypeTaskSplits } from '@ddvi/genotypes';
import type { GenotypeTaskOptions } from '@ddvi/genotypes';
import type { ClusteringSpec } from './latent_scores';

export { SUBSET_SEED, TOY_TRAIN, TOY_TEST } from '../datasets/toy_splits';

export interface SplitOptions extends ToySplitOptions {
  /** The genotypes dataset's source and preprocessing (default: the simulated cohort). */
  genotypes?: GenotypeTaskOptions;
}

/** Every example of a dataset as one matrix, and which rows form each split: what baseline embeddings see. */
export interface EmbeddingRows {
  /** Row-major [n, dim]. */
  data: Float32Array;
  n: number;
  dim: number;
  labels?: Int32Array;
  train: Int32Array;
  test: Int32Array;
}

export interface Splits extends ToySplits {
  /** The decoder's likelihood for this data (default: the model's, Bernoulli). */
  likelihood?: LikelihoodName;
  /** The Gaussian likelihood's fixed standard deviation for this data (default: the model's, 1). */
  gaussianScale?: number;
  /** What every encoder reads x with and the decoder's architecture (default: MLPs on the flat x). */
  trunk?: TrunkSpec;
  /** How latents are clustered for NMI / purity (default k-means, one cluster per class). */
  clustering?: ClusteringSpec;
  /** All examples with their split rows, for baselines (default: train rows then test rows, when both are in memory). */
  embedding?: EmbeddingRows;
}

/** The datasets loadSplits knows. */
export const SPLIT_DATASETS: readonly string[] = ['mnist', 'toy', 'genotypes', 'cifar10'];

/** Loads the train (unless testOnly) and test splits of a dataset, subset as asked. */
export async function loadSplits(options: SplitOptions, testOnly = false): Promise<Splits> {
  if (options.dataset === 'toy') return toySplits(options, testOnly);
  if (options.dataset === 'genotypes') return genotypeSplits(options.genotypes ?? {});
  if (options.dataset === 'cifar10') return cifarSplits(options, testOnly);
  if (options.dataset === 'mnist') {
    const load = (split: 'train' | 'test', n: number | undefined) =>
      loadMnist({ split, dataDir: options.dataDir, ...(n === undefined ? {} : { subset: { n, seed: SUBSET_SEED } }) });
    const test = await load('test', options.testLimit);
    const train = testOnly ? undefined : await load('train', options.trainLimit);
    return { train, test, imageShape: [MNIST_ROWS, MNIST_COLS], labelName: 'digit' };
  }
  throw new ValidationError(`dataset ${JSON.stringify(options.dataset)}: no train/test recipe for it yet (known: ${SPLIT_DATASETS.join(', ')})`);
}

/**
 * The ancestry task (spec §11): PCs / 30 of every individual, split by population into train and
 * test rows (testFraction 0: both are everyone, as the reference); decoded with the spec's Gaussian
 * (MSE) likelihood and clustered with the spec's GMM (§10.4), one component per population.
 * trainLimit / testLimit do not apply: the cohort's size is set by the genotypes options.
 */
async function genotypeSplits(options: GenotypeTaskOptions): Promise<Splits> {
  const { all, train, test, rows, labels } = await loadGenotypeTaskSplits(options);
  return {
    train, test, imageShape: [1, all.dataSize], labelName: 'population', likelihood: 'gaussian',
    clustering: { method: 'gmm', ...(options.clusters !== undefined ? { components: options.clusters } : {}) },
    embedding: { data: all.data, n: all.size, dim: all.dataSize, labels, train: rows.train, test: rows.test },
  };
}

/** The baselines' input: the dataset's own rows, or train then test rows of in-memory splits; undefined otherwise. */
export function embeddingRows(splits: Splits): EmbeddingRows | undefined {
  if (splits.embedding) return splits.embedding;
  const { train, test } = splits;
  if (!(train instanceof TensorDataset) || !(test instanceof TensorDataset)) return undefined;
  const dim = train.dataSize;
  const data = new Float32Array((train.size + test.size) * dim);
  data.set(train.data, 0);
  data.set(test.data, train.size * dim);
  const range = (from: number, count: number) => Int32Array.from({ length: count }, (_, i) => from + i);
  const labels = train.labels && test.labels ? Int32Array.from([...train.labels(), ...test.labels()]) : undefined;
  return { data, n: train.size + test.size, dim, ...(labels ? { labels } : {}), train: range(0, train.size), test: range(train.size, test.size) };
}
