/**
 * Host-side (float64) numerical constants and rules shared by the priors: Gauss-Legendre nodes
 * and the erfc fit's coefficients. Nothing here touches tensors.
 */

const LEGENDRE_CACHE = new Map<number, { x: Float64Array; w: Float64Array }>();

/** Gauss-Legendre nodes and weights on [-1, 1] (Newton on P_n; exact for degree 2n - 1). */
export function gaussLegendre(n: number): { x: Float64Array; w: Float64Array } {
  const hit = LEGENDRE_CACHE.get(n);
  if (hit) return hit;
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let t = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = t;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * t * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      const pn = n === 1 ? t : p1;
      const pnm1 = n === 1 ? 1 : p0;
      dp = (n * (t * pn - pnm1)) / (t * t - 1);
      const dt = pn / dp;
      t -= dt;
      if (Math.abs(dt) < 1e-16) break;
    }
    x[i] = t;
    w[i] = 2 / ((1 - t * t) * dp * dp);
  }
  const rule = { x, w };
  LEGENDRE_CACHE.set(n, rule);
  return rule;
}

/** Coefficients of the Numerical Recipes erfc fit (fractional error < 1.2e-7 for every x >= 0). */
export const ERFC_COEFFS = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223,
  0.17087277,
] as const;
