import { mustBe } from '../datasets/validate';
import { studentTQuantile } from './student_t';

export interface Summary {
  /** Number of values (e.g. seeds). */
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1 in the denominator); NaN for n = 1. */
  std: number;
  /** Standard error of the mean, std / sqrt(n); NaN for n = 1. */
  sem: number;
  /** Half-width of the 95% Student-t confidence interval, sem * t_{0.975, n-1}; NaN for n = 1. */
  halfWidth95: number;
}

/**
 * Mean ± 95% Student-t half-width over runs (spec §10.6, the reference's
 * `mean_confidence_interval`: scipy's `sem` with ddof 1 times `t.ppf(0.975, n - 1)`). With one
 * value the spread is undefined and reported as NaN rather than as a misleading 0.
 */
export function summarize(values: ArrayLike<number>): Summary {
  const n = values.length;
  if (n === 0) mustBe('summarize', 'values', 'a non-empty array of numbers', 'length 0');
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) mustBe('summarize', 'values', 'finite numbers', `${v} at index ${i}`);
    sum += v;
  }
  const mean = sum / n;
  if (n === 1) return { n, mean, std: NaN, sem: NaN, halfWidth95: NaN };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2;
  const std = Math.sqrt(ss / (n - 1));
  const sem = std / Math.sqrt(n);
  return { n, mean, std, sem, halfWidth95: sem * studentTQuantile(0.975, n - 1) };
}
