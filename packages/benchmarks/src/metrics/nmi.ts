import { contingency, entropy, mutualInformation } from './contingency';
import type { LabelsInput } from './points';

/**
 * Normalized mutual information with arithmetic-mean normalisation, MI / ((H(true) + H(pred)) / 2),
 * as sklearn's `normalized_mutual_info_score` default (spec §10.4). In [0, 1], symmetric, invariant
 * to renaming labels. Edge cases as sklearn: both labelings a single cluster -> 1; MI = 0 -> 0.
 */
export function nmi(labelsTrue: LabelsInput, labelsPred: LabelsInput): number {
  const t = contingency('nmi', labelsTrue, labelsPred);
  if (t.nClasses === 1 && t.nClusters === 1) return 1;
  const mi = mutualInformation(t);
  if (mi === 0) return 0;
  const normalizer = (entropy(t.classSizes, t.n) + entropy(t.clusterSizes, t.n)) / 2;
  return Math.min(1, mi / normalizer);
}
