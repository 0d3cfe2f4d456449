import * as tf from '@tensorflow/tfjs-core';
import { SeedStream, createPosterior, semiSupervisedSpec } from '@ddvi/core';
import type { Dataset, Posterior, PosteriorInit } from '@ddvi/core';
import { withLabelBudget } from '../datasets/label_budget';
import type { Cell } from './cell';
import type { BenchConfig } from './config';

/**
 * The semi-supervised parts of a cell (spec §5.1, §8, D6), kept out of the cell runner: the label
 * budget, the family's semi-supervised form, the classifier's accuracy and the labelled points of
 * the plot. An unsupervised cell (no `labels`) passes through each unchanged.
 */

/**
 * The cell's splits with exactly `cell.labels` seeded training labels (the cell's seed picks them,
 * so budgets of one seed are nested: the 10 labels are among the 50) and every test label hidden,
 * so the test bounds are on log p(x). `labels()` still returns the true labels for the latent scores.
 */
export function semiSplits(cell: Cell, train: Dataset, test: Dataset): { train: Dataset; test: Dataset } {
  if (cell.labels === undefined) return { train, test };
  return { train: withLabelBudget(train, { labelled: cell.labels, seed: cell.seed }), test: withLabelBudget(test, { labelled: 0, seed: cell.seed }) };
}

/**
 * The cell's posterior through the registry: the family itself, or with a label budget its
 * semi-supervised form (its own, else the shared wrapper, which throws NoSemiSupervisedFormError for
 * a family without a density). `classes` is the dataset's number of classes.
 */
export function createCellPosterior(config: BenchConfig, cell: Cell, init: PosteriorInit, classes: number | undefined): Posterior {
  if (cell.labels === undefined) return createPosterior(cell.family, init);
  if (classes === undefined) throw new Error(`createCellPosterior: dataset ${cell.dataset} has no classes, so --labels does not apply`);
  const wrapper = { ...(config.hidden ? { classifierHidden: config.hidden } : {}), ...(config.semiConfig ?? {}) };
  const spec = semiSupervisedSpec(cell.family, (init.config ?? {}) as Record<string, unknown>, classes, wrapper);
  return createPosterior(spec.family, { ...init, config: spec.config });
}

/** pi(c | x)'s argmax accuracy on the test set, or null without a classifier (unsupervised, the AAE). */
export function classifierAccuracy(posterior: Posterior, test: Dataset, batchSize = 500): number | null {
  if (!posterior.classProbabilities || !posterior.capabilities.supportsLabels || !test.labels) return null;
  const truth = test.labels();
  let correct = 0;
  for (let start = 0; start < test.size; start += batchSize) {
    const indices = Int32Array.from({ length: Math.min(batchSize, test.size - start) }, (_, i) => start + i);
    const argmax = tf.tidy(() => tf.argMax(posterior.classProbabilities!(test.batch(indices).x), 1));
    const predicted = argmax.dataSync();
    argmax.dispose();
    predicted.forEach((c, i) => void (c === truth[start + i] && (correct += 1)));
  }
  return test.size > 0 ? correct / test.size : null;
}

/**
 * The latents of the labelled training examples (each encoded with its label), to mark on the plot;
 * undefined for an unsupervised cell. At most `limit` of them, in index order.
 */
export function labelledLatents(posterior: Posterior, train: Dataset, seed: number, limit = 1000): { z: Float32Array; labels: Int32Array } | undefined {
  const kept = (train as Dataset & { labelledIndices?: Int32Array }).labelledIndices;
  if (!kept || kept.length === 0 || !train.labels) return undefined;
  const indices = kept.subarray(0, limit);
  const zt = tf.tidy(() => {
    const batch = train.batch(indices);
    return posterior.sample(batch.x, { seed: new SeedStream(seed).fork('labelled-plot'), training: false, ...(batch.label ? { label: batch.label } : {}) }).z;
  });
  const z = Float32Array.from(zt.dataSync());
  zt.dispose();
  const truth = train.labels();
  return { z, labels: Int32Array.from(indices, (i) => truth[i]!) };
}
