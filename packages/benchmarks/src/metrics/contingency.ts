import { compactLabels, toLabels, type LabelsInput } from './points';

/**
 * The contingency table of two labelings of the same n points (sklearn's
 * `contingency_matrix(labels_true, labels_pred)`): `counts[c * nClusters + k]` is the number of
 * points of class c in cluster k, with classes and clusters numbered by increasing label value.
 * The clustering scores are all functions of it; no npm package computes them (checked: none of
 * the well-used ones), and they are a few sums.
 */
export interface Contingency {
  readonly n: number;
  readonly nClasses: number;
  readonly nClusters: number;
  readonly counts: Float64Array;
  /** Points per class, [nClasses]. */
  readonly classSizes: Float64Array;
  /** Points per cluster, [nClusters]. */
  readonly clusterSizes: Float64Array;
  /** The class label values, in increasing order. */
  readonly classValues: Int32Array;
}

/** Checks both labelings (integers, same non-zero length) and tabulates them. */
export function contingency(where: string, labelsTrue: LabelsInput, labelsPred: LabelsInput): Contingency {
  const t = toLabels(where, 'labelsTrue', labelsTrue);
  const p = toLabels(where, 'labelsPred', labelsPred, t.length);
  const ct = compactLabels(t);
  const cp = compactLabels(p);
  const nClasses = ct.values.length;
  const nClusters = cp.values.length;
  const counts = new Float64Array(nClasses * nClusters);
  const classSizes = new Float64Array(nClasses);
  const clusterSizes = new Float64Array(nClusters);
  for (let i = 0; i < t.length; i++) {
    const c = ct.codes[i]!;
    const k = cp.codes[i]!;
    counts[c * nClusters + k]!++;
    classSizes[c]!++;
    clusterSizes[k]!++;
  }
  return { n: t.length, nClasses, nClusters, counts, classSizes, clusterSizes, classValues: ct.values };
}

/** Entropy in nats of the distribution sizes / n (sklearn's `entropy(labels)`). */
export function entropy(sizes: Float64Array, n: number): number {
  let h = 0;
  for (const s of sizes) if (s > 0) h -= (s / n) * Math.log(s / n);
  return Math.max(0, h);
}

/** Mutual information in nats between the two labelings (sklearn's `mutual_info_score`), >= 0. */
export function mutualInformation(t: Contingency): number {
  let mi = 0;
  for (let c = 0; c < t.nClasses; c++) {
    for (let k = 0; k < t.nClusters; k++) {
      const nck = t.counts[c * t.nClusters + k]!;
      if (nck > 0) mi += (nck / t.n) * Math.log((nck * t.n) / (t.classSizes[c]! * t.clusterSizes[k]!));
    }
  }
  // Rounding can leave -1e-17 for independent labelings; sklearn clips at 0 too.
  return Math.max(0, mi);
}
