import * as tf from '@tensorflow/tfjs-core';
import { SeedStream, ValidationError } from '@ddvi/core';
import type { Batch, Dataset } from '@ddvi/core';

export interface LabelBudgetOptions {
  /** How many examples keep their label (spec D6: exactly this many; 0 hides every label). */
  labelled: number;
  /** Chooses which examples keep theirs. */
  seed: number;
}

/** A dataset whose batches carry labels for a chosen few examples only; `labelledIndices` names them. */
export interface LabelBudgetDataset extends Dataset {
  readonly numClasses: number;
  readonly labelledIndices: Int32Array;
}

/**
 * The semi-supervised view of a labelled dataset (spec §5.1, D6): exactly `labelled` examples,
 * drawn uniformly without replacement by `seed`, keep their label in batches; every other example's
 * batch label is K = numClasses, "unlabelled" (the convention the semi-supervised posteriors and
 * `LabelledPrior` read). `labels()` still returns the true labels, so metrics that score latents
 * against them (kNN, NMI) are unchanged.
 */
export function withLabelBudget(dataset: Dataset, options: LabelBudgetOptions): LabelBudgetDataset {
  const where = 'withLabelBudget';
  if (!dataset.labels || dataset.numClasses === undefined) {
    throw new ValidationError(`${where}: dataset ${JSON.stringify(dataset.name)} has no labels to keep a budget of`);
  }
  const { labelled, seed } = options;
  if (!Number.isInteger(labelled) || labelled < 0 || labelled > dataset.size) {
    throw new ValidationError(`${where}: labelled must be an integer in [0, ${dataset.size}] (the dataset's size), got ${JSON.stringify(labelled)}`);
  }
  const K = dataset.numClasses;
  const truth = dataset.labels();
  const shown = new Int32Array(dataset.size).fill(K);
  const order = permutation(dataset.size, seed);
  const kept = Int32Array.from(order.subarray(0, labelled)).sort();
  for (const i of kept) shown[i] = truth[i]!;
  return {
    name: `${dataset.name} (${labelled} labelled)`,
    size: dataset.size,
    dataSize: dataset.dataSize,
    numClasses: K,
    labelledIndices: kept,
    labels: () => dataset.labels!(),
    batch(indices: Int32Array): Batch {
      const { x, label } = dataset.batch(indices);
      label?.dispose();
      return { x, label: tf.tensor1d(Int32Array.from(indices, (i) => shown[i]!), 'int32') };
    },
  };
}

/** A seeded Fisher-Yates permutation of 0..n-1 (host-side: indices, not numerics). */
function permutation(n: number, seed: number): Int32Array {
  const out = Int32Array.from({ length: n }, (_, i) => i);
  const u = tf.tidy(() => tf.randomUniform([n], 0, 1, 'float32', new SeedStream(seed).fork('label-budget').next()).dataSync());
  for (let i = n - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(u[i]! * (i + 1)));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
