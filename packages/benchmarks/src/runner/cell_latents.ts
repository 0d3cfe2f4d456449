import { encodeLatents } from '@ddvi/core';
import type { Dataset, Distribution, Latents, Posterior } from '@ddvi/core';
import type { Cell } from './cell';
import type { BenchConfig } from './config';
import { keepAndScoreLatents } from './kept_latents';
import { allFinite, scoreLatents } from './latent_scores';
import type { ClusteringSpec, LatentScores } from './latent_scores';

export interface CellLatents {
  train: Latents;
  test: Latents;
}

/** The posterior's latents of the test and train sets, drawn from the cell's seed. */
export function encodeCell(posterior: Posterior, data: { train: Dataset; test: Dataset }, cell: Cell): CellLatents {
  const test = encodeLatents(posterior, data.test, { seed: cell.seed });
  const train = encodeLatents(posterior, data.train, { seed: cell.seed });
  return { train, test };
}

export interface CellScores {
  scores: LatentScores & { latentNll: number | null; altLatentNll: number | null };
  /** The kept latents' file (relative to the run's folder), for `ddvi bench report --rescore`. */
  file: string;
  /** The test set's classes (its own count, else the labels seen; null when unlabelled). */
  numClasses: number | null;
}

/**
 * The label-based scores of a cell's latents (scoreLatents with the grid's k, the cell's seed and
 * clustering), and the test set's classes (its own count, else the labels seen; null when unlabelled).
 */
export function labelScores(
  config: BenchConfig, cell: Cell, latents: CellLatents, testSet: Pick<Dataset, 'numClasses'>, clustering?: ClusteringSpec,
): { scores: LatentScores; numClasses: number | null } {
  const { train, test } = latents;
  const labelled = test.labels !== undefined && train.labels !== undefined;
  const numClasses = testSet.numClasses ?? (labelled ? new Set(test.labels).size : null);
  const scores = scoreLatents({
    trainZ: train.z, testZ: test.z, dim: config.latentSize, ...(train.labels ? { trainY: train.labels } : {}),
    ...(test.labels ? { testY: test.labels } : {}), numClasses, knnK: config.knnK, seed: cell.seed,
    ...(clustering ? { clustering } : {}),
  });
  return { scores, numClasses };
}

/**
 * The latent-space scores of a trained cell: those a baseline gets too (scoreLatents), and the
 * latents' NLL under the model's prior (null when a latent is not finite). The latents are kept in
 * `<out>/latents/<cell>.npz` (./kept_latents) so they can be scored again without retraining.
 */
export async function scoreCell(input: {
  config: BenchConfig;
  cell: Cell;
  out: string;
  latents: CellLatents;
  prior: Distribution;
  test: Dataset;
  trainName: string;
  clustering?: ClusteringSpec | undefined;
}): Promise<CellScores> {
  const { config, cell, latents, prior } = input;
  const { train, test } = latents;
  const { scores, numClasses } = labelScores(config, cell, latents, input.test, input.clustering);
  const finite = allFinite(test.z) && allFinite(train.z);
  const kept = await keepAndScoreLatents({
    config, cell, out: input.out, test, train, prior, numClasses, finite, splitNames: { test: input.test.name, train: input.trainName },
    ...(input.clustering ? { clustering: input.clustering } : {}),
  });
  return { scores: { ...scores, latentNll: kept.latentNll, altLatentNll: kept.altLatentNll }, numClasses, file: kept.file };
}
