import { invalid } from '@ddvi/core';

/**
 * A variance-preserving noise schedule over T steps, in float64 on the host. Paper indexing:
 * `betas[t - 1]` is beta_t and `alphasCumprod[t - 1]` is abar_t = prod_{s <= t} (1 - beta_s), for
 * t = 1..T (abar_0 := 1 is implicit).
 */
export interface NoiseSchedule {
  /** Which recipe made it ('linear', 'cosine', 'sigmoid', 'betas', 'alphasCumprod'). */
  readonly kind: string;
  readonly T: number;
  /** beta_1..beta_T, each in (0, 1). */
  readonly betas: Float64Array;
  /** abar_1..abar_T, strictly decreasing in (0, 1). */
  readonly alphasCumprod: Float64Array;
  /**
   * 1 - abar_t for t = 1..T, computed without cancellation (-expm1(sum log1p(-beta))), so it stays
   * accurate for tiny betas (1 - abar_1 = beta_1 exactly).
   */
  readonly oneMinusAlphasCumprod: Float64Array;
}

/** Validates user-given betas (each finite, in (0, 1), at least one) and builds the schedule. */
export function betaSchedule(betas: ArrayLike<number>, kind = 'betas'): NoiseSchedule {
  const where = `${kind} schedule`;
  if (betas.length < 1) invalid(where, 'betas', 'a non-empty array (T >= 1)', 'an empty array');
  const b = Float64Array.from(betas as ArrayLike<number>);
  for (let i = 0; i < b.length; i++) {
    const v = b[i]!;
    if (!(Number.isFinite(v) && v > 0 && v < 1)) invalid(where, `betas[${i}] (beta_${i + 1})`, 'in (0, 1)', v);
  }
  const T = b.length;
  const abar = new Float64Array(T);
  const omab = new Float64Array(T);
  let logAbar = 0;
  for (let i = 0; i < T; i++) {
    logAbar += Math.log1p(-b[i]!);
    abar[i] = Math.exp(logAbar);
    omab[i] = -Math.expm1(logAbar);
  }
  return Object.freeze({ kind, T, betas: b, alphasCumprod: abar, oneMinusAlphasCumprod: omab });
}

/**
 * Validates user-given cumulative alphas abar_1..abar_T (each in (0, 1], strictly decreasing, the
 * last one > 0) and derives beta_t = 1 - abar_t / abar_{t-1} (abar_0 := 1).
 */
export function alphasCumprodSchedule(alphasCumprod: ArrayLike<number>, kind = 'alphasCumprod'): NoiseSchedule {
  const where = `${kind} schedule`;
  if (alphasCumprod.length < 1) invalid(where, 'alphasCumprod', 'a non-empty array (T >= 1)', 'an empty array');
  const a = Float64Array.from(alphasCumprod as ArrayLike<number>);
  let prev = 1;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (!(Number.isFinite(v) && v > 0 && v <= 1)) invalid(where, `alphasCumprod[${i}] (abar_${i + 1})`, 'in (0, 1]', v);
    if (!(v < prev)) {
      invalid(where, `alphasCumprod[${i}] (abar_${i + 1})`, `strictly below the previous value ${prev} (strictly decreasing, abar_0 = 1)`, v);
    }
    prev = v;
  }
  const T = a.length;
  const betas = new Float64Array(T);
  const omab = new Float64Array(T);
  for (let i = 0; i < T; i++) {
    const before = i === 0 ? 1 : a[i - 1]!;
    betas[i] = 1 - a[i]! / before;
    omab[i] = 1 - a[i]!;
  }
  return Object.freeze({ kind, T, betas, alphasCumprod: a, oneMinusAlphasCumprod: omab });
}

/** Checks T is an integer >= 1. */
export function checkSteps(where: string, T: number): void {
  if (!Number.isInteger(T) || T < 1) invalid(where, 'T', 'an integer >= 1', T);
}
