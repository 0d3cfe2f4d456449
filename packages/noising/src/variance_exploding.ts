import { invalid } from '@ddvi/core';
import { GaussianMarkovProcess } from './gaussian_markov';

/**
 * Variance-exploding noising (SMLD / NCSN): y_t = y_0 + sigma_t eps with 0 < sigma_1 < ... < sigma_T.
 * As a chain: r(y_t | y_{t-1}) = N(y_{t-1}, (sigma_t^2 - sigma_{t-1}^2) I) with sigma_0 = 0;
 * r(y_t | y_0) = N(y_0, sigma_t^2 I); the posterior r(y_{t-1} | y_t, y_0) has mean
 * (sigma_{t-1}^2 y_t + (sigma_t^2 - sigma_{t-1}^2) y_0) / sigma_t^2 and variance
 * sigma_{t-1}^2 (sigma_t^2 - sigma_{t-1}^2) / sigma_t^2 (0 at t = 1).
 */
export class VarianceExploding extends GaussianMarkovProcess {
  /** sigma_1..sigma_T, float64. */
  readonly sigmas: Float64Array;

  constructor(sigmas: ArrayLike<number>) {
    const where = 'VarianceExploding';
    if (sigmas.length < 1) invalid(where, 'sigmas', 'a non-empty array (T >= 1)', 'an empty array');
    const s = Float64Array.from(sigmas as ArrayLike<number>);
    let prev = 0;
    for (let i = 0; i < s.length; i++) {
      const v = s[i]!;
      if (!(Number.isFinite(v) && v > prev)) {
        invalid(where, `sigmas[${i}] (sigma_${i + 1})`, i === 0 ? 'a finite number > 0' : `finite and > sigmas[${i - 1}] = ${prev} (strictly increasing)`, v);
      }
      prev = v;
    }
    const T = s.length;
    const b = new Float64Array(T);
    for (let i = 0; i < T; i++) {
      const lo = i === 0 ? 0 : s[i - 1]!;
      b[i] = (s[i]! - lo) * (s[i]! + lo); // sigma_t^2 - sigma_{t-1}^2 without cancellation
    }
    super('variance-exploding', { T, dim: 1, a: new Float64Array(T).fill(1), b, m: new Float64Array(T).fill(1), s2: s.map((v) => v * v) });
    this.sigmas = s;
  }

  /** Geometric sigmas from sigmaMin to sigmaMax (both included), the usual NCSN choice. */
  static geometric(T: number, sigmaMin = 0.01, sigmaMax = 1): VarianceExploding {
    if (!Number.isInteger(T) || T < 1) invalid('VarianceExploding.geometric', 'T', 'an integer >= 1', T);
    if (!(sigmaMin > 0 && sigmaMax > sigmaMin && Number.isFinite(sigmaMax))) {
      invalid('VarianceExploding.geometric', 'sigmaMin, sigmaMax', '0 < sigmaMin < sigmaMax', [sigmaMin, sigmaMax]);
    }
    const out = new Float64Array(T);
    for (let i = 0; i < T; i++) out[i] = T === 1 ? sigmaMin : sigmaMin * (sigmaMax / sigmaMin) ** (i / (T - 1));
    return new VarianceExploding(out);
  }
}
