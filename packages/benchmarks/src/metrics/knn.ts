import { checkPositiveInt } from '@ddvi/core';
import { mustBe } from '../datasets/validate';
import { nearestNeighbors } from './nearest_neighbors';
import { compactLabels, toLabels, toPoints, toTrainTest, type LabelsInput, type Points, type PointsInput } from './points';

export interface KnnAccuracyOptions {
  /** Reference (train) latents, [n, d]. */
  trainX: PointsInput;
  /** Labels of the reference points (the true labels of all of them, as spec §10.1). */
  trainY: LabelsInput;
  /** Query (test) latents, [m, d]. */
  testX: PointsInput;
  testY: LabelsInput;
  /** Number of neighbours (spec §10.1: 20). */
  k: number;
}

/**
 * kNN classification accuracy of latents (spec §10.1: sklearn `KNeighborsClassifier(n_neighbors=20)`
 * fit on the train latents, scored on the test latents): Euclidean distance, uniform weights.
 *
 * Ties, made deterministic: among reference points at equal distance the lower index is the
 * nearer (see `nearestNeighbors`); a vote tied between labels goes to the smallest label value,
 * as sklearn's `mode` does. sklearn's tree searches may pick a different one of several
 * equidistant neighbours, which only matters for duplicated latents.
 */
export function knnAccuracy(options: KnnAccuracyOptions): number {
  const where = 'knnAccuracy';
  const { train, trainY, test, testY } = toTrainTest(where, options);
  const k = checkK(where, options.k, train.n, 'trainX');
  return scoreNeighbors(train, trainY, test, testY, k, false);
}

export interface KnnAccuracySameSetOptions {
  /** Latents, [n, d]: both the reference and the query set. */
  x: PointsInput;
  y: LabelsInput;
  /** Number of neighbours (spec §10.4: 20, 50 and 100). */
  k: number;
  /**
   * Leave each point out of its own vote (leave-one-out accuracy). Default false: the
   * reference's `clf.fit(latents, labels).score(latents, labels)`, where every point is its own
   * nearest neighbour and votes for itself.
   */
  excludeSelf?: boolean;
}

/**
 * kNN accuracy fit and scored on the same latents (spec §10.4, the 1000 Genomes table), with the
 * same distance, weights and tie rules as `knnAccuracy`.
 */
export function knnAccuracySameSet(options: KnnAccuracySameSetOptions): number {
  const where = 'knnAccuracySameSet';
  const x = toPoints(where, 'x', options.x);
  const y = toLabels(where, 'y', options.y, x.n);
  const excludeSelf = options.excludeSelf ?? false;
  const k = checkK(where, options.k, excludeSelf ? x.n - 1 : x.n, excludeSelf ? 'x less the point itself' : 'x');
  return scoreNeighbors(x, y, x, y, k, excludeSelf);
}

function checkK(where: string, k: number, available: number, what: string): number {
  checkPositiveInt(where, 'k', k);
  if (k > available) mustBe(where, 'k', `at most the number of reference points (${available} in ${what})`, String(k));
  return k;
}

function scoreNeighbors(train: Points, trainY: Int32Array, test: Points, testY: Int32Array, k: number, excludeSelf: boolean): number {
  const { codes, values } = compactLabels(trainY);
  const neighbors = nearestNeighbors(train, test, k, excludeSelf);
  const votes = new Int32Array(values.length);
  let correct = 0;
  for (let q = 0; q < test.n; q++) {
    votes.fill(0);
    for (let j = 0; j < k; j++) votes[codes[neighbors[q * k + j]!]!]!++;
    let best = 0;
    for (let c = 1; c < votes.length; c++) if (votes[c]! > votes[best]!) best = c; // strict: smallest label wins ties
    if (values[best] === testY[q]) correct++;
  }
  return correct / test.n;
}
