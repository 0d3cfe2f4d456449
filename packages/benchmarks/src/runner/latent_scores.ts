import { gaussianMixture } from '../metrics/gaussian_mixture';
import { kMeans } from '../metrics/kmeans';
import { knnAccuracy } from '../metrics/knn';
import { logisticRegressionAccuracy } from '../metrics/logistic_regression';
import { nmi } from '../metrics/nmi';
import { purity } from '../metrics/purity';

/**
 * How latents are clustered before NMI and purity: k-means with one cluster per class (the runner's
 * default), or the spec's ancestry-table GMM (§10.4: full covariances, 10 initialisations,
 * reg_covar 1e-2, 100 EM iterations) with `components` clusters (default one per class).
 */
export interface ClusteringSpec {
  method: 'kmeans' | 'gmm';
  components?: number;
}

export const DEFAULT_CLUSTERING: ClusteringSpec = { method: 'kmeans' };

export interface LatentScoreInput {
  /** Row-major [n, dim] latents of the reference (train) set and of the scored (test) set. */
  trainZ: Float32Array;
  testZ: Float32Array;
  dim: number;
  trainY?: Int32Array;
  testY?: Int32Array;
  /** Number of classes (null: unlabelled). */
  numClasses: number | null;
  knnK: number;
  seed: number;
  clustering?: ClusteringSpec;
}

export interface LatentScores {
  knnAccuracy: number | null;
  logisticAccuracy: number | null;
  nmi: number | null;
  purity: number | null;
}

/**
 * The label-based scores of 2-D latents, the same for a posterior family's latents and a baseline
 * embedding's, so their rows in the report compare like with like: kNN and logistic-regression
 * accuracy (fit on train, scored on test) and NMI / purity of a clustering of the test latents.
 * null where the data is unlabelled, a latent is not finite, or a set is too small.
 */
export function scoreLatents(input: LatentScoreInput): LatentScores {
  const { trainZ, testZ, dim, trainY, testY, numClasses } = input;
  const none: LatentScores = { knnAccuracy: null, logisticAccuracy: null, nmi: null, purity: null };
  if (trainY === undefined || testY === undefined || numClasses === null) return none;
  if (!allFinite(trainZ) || !allFinite(testZ)) return none;
  const trainX = { data: trainZ, dim };
  const testX = { data: testZ, dim };
  const trainN = trainZ.length / dim;
  const testN = testZ.length / dim;
  const spec = input.clustering ?? DEFAULT_CLUSTERING;
  const k = spec.components ?? numClasses;
  let clusters: Int32Array | null = null;
  if (k <= testN) {
    clusters =
      spec.method === 'gmm'
        ? gaussianMixture({ data: unitScale(testZ, dim), dim }, { nComponents: k, nInit: 10, maxIter: 100, regCovar: 1e-2, seed: input.seed }).labels
        : kMeans(testX, { k, seed: input.seed }).labels;
  }
  return {
    knnAccuracy: input.knnK <= trainN ? knnAccuracy({ trainX, trainY, testX, testY, k: input.knnK }) : null,
    logisticAccuracy: logisticRegressionAccuracy({ trainX, trainY, testX, testY }),
    nmi: clusters ? nmi(testY, clusters) : null,
    purity: clusters ? purity(testY, clusters) : null,
  };
}

/**
 * The points scaled (one factor for all coordinates, so shapes and distances keep their ratios) to
 * mean squared distance from their centre 1: the GMM's reg_covar is absolute, and embeddings come
 * in very different units (PCs / 30 ~ 0.1, t-SNE ~ 10), so without this the same 1e-2 would blur
 * one method's clusters together and be negligible for another's.
 */
function unitScale(z: Float32Array, dim: number): Float32Array {
  const n = z.length / dim;
  const mean = new Float64Array(dim);
  for (let i = 0; i < z.length; i++) mean[i % dim] = mean[i % dim]! + z[i]! / n;
  let ss = 0;
  for (let i = 0; i < z.length; i++) ss += (z[i]! - mean[i % dim]!) ** 2;
  const s = Math.sqrt(ss / n) || 1;
  return Float32Array.from(z, (v, i) => (v - mean[i % dim]!) / s);
}

export function allFinite(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}
