import { checkPositive } from '@ddvi/core';
import { contingency, entropy, mutualInformation } from './contingency';
import type { LabelsInput } from './points';

export interface HomogeneityCompleteness {
  /** Each cluster holds members of one class only: MI / H(true) (1 when H(true) = 0). */
  homogeneity: number;
  /** All members of a class are in one cluster: MI / H(pred) (1 when H(pred) = 0). */
  completeness: number;
  /** Weighted harmonic mean (1 + beta) h c / (beta h + c); 0 when h + c = 0. */
  vMeasure: number;
}

/**
 * Homogeneity, completeness and V-measure (Rosenberg and Hirschberg 2007), as sklearn's
 * `homogeneity_completeness_v_measure` with the same edge cases (spec §10.4). `beta` > 1 weighs
 * completeness more (sklearn's default 1).
 */
export function homogeneityCompleteness(labelsTrue: LabelsInput, labelsPred: LabelsInput, beta = 1): HomogeneityCompleteness {
  checkPositive('homogeneityCompleteness', 'beta', beta);
  const t = contingency('homogeneityCompleteness', labelsTrue, labelsPred);
  const hTrue = entropy(t.classSizes, t.n);
  const hPred = entropy(t.clusterSizes, t.n);
  const mi = mutualInformation(t);
  const homogeneity = hTrue > 0 ? Math.min(1, mi / hTrue) : 1;
  const completeness = hPred > 0 ? Math.min(1, mi / hPred) : 1;
  const vMeasure = homogeneity + completeness === 0 ? 0 : ((1 + beta) * homogeneity * completeness) / (beta * homogeneity + completeness);
  return { homogeneity, completeness, vMeasure };
}

/** See `homogeneityCompleteness`. */
export function homogeneity(labelsTrue: LabelsInput, labelsPred: LabelsInput): number {
  return homogeneityCompleteness(labelsTrue, labelsPred).homogeneity;
}

/** See `homogeneityCompleteness`. */
export function completeness(labelsTrue: LabelsInput, labelsPred: LabelsInput): number {
  return homogeneityCompleteness(labelsTrue, labelsPred).completeness;
}

/** See `homogeneityCompleteness`. */
export function vMeasure(labelsTrue: LabelsInput, labelsPred: LabelsInput, beta = 1): number {
  return homogeneityCompleteness(labelsTrue, labelsPred, beta).vMeasure;
}
