/**
 * The metrics a cell reports, declared once: the report's columns, their direction (which value
 * is best) and their formatting all come from here.
 */
export interface MetricSpec {
  key: MetricKey;
  /** Column header. */
  label: string;
  higherIsBetter: boolean;
  digits: number;
  /** Shown only when some row of the table has it (the semi-supervised classifier's accuracy). */
  onlyWhenPresent?: boolean;
}

export type MetricKey =
  | 'classifierAccuracy' | 'elbo' | 'iwae' | 'reconstruction' | 'knnAccuracy' | 'logisticAccuracy' | 'latentNll' | 'altLatentNll' | 'nmi' | 'purity'
  | 'wallSeconds' | 'msPerStep';

export const METRICS: readonly MetricSpec[] = [
  { key: 'classifierAccuracy', label: 'classifier acc', higherIsBetter: true, digits: 3, onlyWhenPresent: true },
  { key: 'elbo', label: 'test ELBO', higherIsBetter: true, digits: 2 },
  { key: 'iwae', label: 'test IWAE', higherIsBetter: true, digits: 2 },
  { key: 'reconstruction', label: 'reconstruction', higherIsBetter: true, digits: 2 },
  { key: 'knnAccuracy', label: 'kNN acc', higherIsBetter: true, digits: 3 },
  { key: 'logisticAccuracy', label: 'logreg acc', higherIsBetter: true, digits: 3 },
  { key: 'latentNll', label: 'latent NLL', higherIsBetter: false, digits: 3 },
  // The latent NLL with a second bandwidth set (config altLatentNllBandwidths); the report shows it only when set.
  { key: 'altLatentNll', label: 'latent NLL, alt H', higherIsBetter: false, digits: 3 },
  { key: 'nmi', label: 'NMI', higherIsBetter: true, digits: 3 },
  { key: 'purity', label: 'purity', higherIsBetter: true, digits: 3 },
  { key: 'wallSeconds', label: 'wall s', higherIsBetter: false, digits: 1 },
  { key: 'msPerStep', label: 'ms/step', higherIsBetter: false, digits: 1 },
];

/** A cell's metrics; null where a metric does not apply (ELBO/IWAE without a density) or was skipped. */
export type CellMetrics = Record<Exclude<MetricKey, 'classifierAccuracy'>, number | null> & {
  /** pi(c | x)'s test accuracy: semi-supervised cells of families with a classifier (absent in older cells). */
  classifierAccuracy?: number | null;
};
