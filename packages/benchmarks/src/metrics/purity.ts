import { contingency } from './contingency';
import type { LabelsInput } from './points';

/**
 * Cluster purity (spec §10.4, the reference's `purity_score`): each cluster counts the points of
 * its most frequent true label, summed over clusters and divided by n. 1 when every cluster holds
 * one label; not penalised for many clusters (one point per cluster gives 1).
 */
export function purity(labelsTrue: LabelsInput, labelsPred: LabelsInput): number {
  const t = contingency('purity', labelsTrue, labelsPred);
  let total = 0;
  for (let k = 0; k < t.nClusters; k++) {
    let best = 0;
    for (let c = 0; c < t.nClasses; c++) best = Math.max(best, t.counts[c * t.nClusters + k]!);
    total += best;
  }
  return total / t.n;
}
