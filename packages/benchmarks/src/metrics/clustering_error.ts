import { mustBe } from '../datasets/validate';
import { contingency } from './contingency';
import { compactLabels, toLabels, type LabelsInput } from './points';

export interface ClusteringErrorOptions {
  labelsTrue: LabelsInput;
  /** Cluster of each point (e.g. the nearest prior mode, or a GMM's `labels`). */
  clusters: LabelsInput;
  /**
   * Optional confidence of each point in its cluster (higher = more confident, e.g. minus the
   * distance to the cluster centre). Given, each cluster takes the true label of its most
   * confident member, as the reference's `unsupervised_score` (spec §10.5); otherwise its
   * majority label. Ties: the lower point index, respectively the smaller label.
   */
  confidence?: ArrayLike<number>;
}

/**
 * Clustering error (spec §10.5): label each cluster (majority label, or the label of its most
 * confident member), then the fraction of points whose true label differs from their cluster's
 * label. With majority labelling this is 1 - purity. (The reference's version divides by 10,000,
 * the MNIST test size; here it is the number of points.)
 */
export function clusteringError(options: ClusteringErrorOptions): number {
  const where = 'clusteringError';
  if (options.confidence === undefined) {
    const t = contingency(where, options.labelsTrue, options.clusters);
    let matched = 0;
    for (let k = 0; k < t.nClusters; k++) {
      let best = 0;
      for (let c = 0; c < t.nClasses; c++) best = Math.max(best, t.counts[c * t.nClusters + k]!);
      matched += best;
    }
    return 1 - matched / t.n;
  }
  const labels = toLabels(where, 'labelsTrue', options.labelsTrue);
  const clusters = compactLabels(toLabels(where, 'clusters', options.clusters, labels.length));
  const conf = options.confidence;
  if (conf.length !== labels.length) mustBe(where, 'confidence', `one value per point (${labels.length})`, `length ${conf.length}`);
  const nClusters = clusters.values.length;
  const bestConf = new Float64Array(nClusters).fill(-Infinity);
  const clusterLabel = new Int32Array(nClusters);
  const seen = new Uint8Array(nClusters);
  for (let i = 0; i < labels.length; i++) {
    const v = conf[i]!;
    if (!Number.isFinite(v)) mustBe(where, 'confidence', 'finite numbers', `${v} at index ${i}`);
    const k = clusters.codes[i]!;
    if (!seen[k] || v > bestConf[k]!) {
      seen[k] = 1;
      bestConf[k] = v;
      clusterLabel[k] = labels[i]!;
    }
  }
  let wrong = 0;
  for (let i = 0; i < labels.length; i++) if (clusterLabel[clusters.codes[i]!] !== labels[i]) wrong++;
  return wrong / labels.length;
}
