import { invalid } from '@ddvi/core';

/**
 * Host (float64) description of a linear-Gaussian Markov chain with per-step, optionally
 * per-coordinate coefficients: r(y_t | y_{t-1}) = N(a_t * y_{t-1}, b_t), t = 1..T.
 * Arrays are row-major [T, dim]: entry (t - 1) * dim + k is step t, coordinate k. `dim` is 1
 * (one coefficient shared by every coordinate) or the data dimension d.
 */
export interface GaussianMarkovTables {
  T: number;
  dim: number;
  /** Transition scales a_t > 0. */
  a: ArrayLike<number>;
  /** Transition variances b_t > 0. */
  b: ArrayLike<number>;
  /** Optional exact marginal scales m_t = prod_{s<=t} a_s (else computed by that product). */
  m?: ArrayLike<number>;
  /** Optional exact marginal variances s2_t (else computed by s2_t = a_t^2 s2_{t-1} + b_t). */
  s2?: ArrayLike<number>;
}

export type TableName =
  | 'a' | 'b' | 'logB' | 'sqrtB' | 'm' | 's' | 'logS2' | 'invM' | 'sOverM' | 'invS' | 'mOverS'
  | 'postC0' | 'postCt' | 'postVar' | 'postLogVar' | 'epsA' | 'epsB' | 'ddimY' | 'ddimEps'
  | 'revVar' | 'revLogVar';

/**
 * Validates the chain's a_t, b_t and derives, in float64, every table the process reads: marginal
 * scales and variances, forward-posterior and epsilon / DDIM coefficients, reverse variances.
 * Each is [T + 1, dim] row-major, row t for step t (row 0 is the identity step y_0 -> y_0).
 * Errors name the process (`where`), the array, its index and the step.
 */
export function deriveMarkovTables(where: string, tables: GaussianMarkovTables): Record<TableName, Float64Array> {
  const { T, dim } = tables;
  if (!Number.isInteger(T) || T < 1) invalid(where, 'T', 'an integer >= 1', T);
  if (!Number.isInteger(dim) || dim < 1) invalid(where, 'dim', 'an integer >= 1', dim);
  const n = T * dim;
  const checkLen = (param: string, arr: ArrayLike<number> | undefined) => {
    if (arr !== undefined && arr.length !== n) invalid(where, `${param}.length`, `T * dim = ${n}`, arr.length);
  };
  checkLen('a', tables.a);
  checkLen('b', tables.b);
  checkLen('m', tables.m);
  checkLen('s2', tables.s2);
  const R = (T + 1) * dim;
  const mk = () => new Float64Array(R);
  const h = {} as Record<TableName, Float64Array>;
  for (const k of [
    'a', 'b', 'logB', 'sqrtB', 'm', 's', 'logS2', 'invM', 'sOverM', 'invS', 'mOverS', 'postC0', 'postCt',
    'postVar', 'postLogVar', 'epsA', 'epsB', 'ddimY', 'ddimEps', 'revVar', 'revLogVar',
  ] as TableName[]) {
    h[k] = mk();
  }
  const s2 = mk();
  for (let k = 0; k < dim; k++) {
    h.a[k] = 1;
    h.m[k] = 1;
    h.invM[k] = 1;
    s2[k] = 0;
  }
  for (let t = 1; t <= T; t++) {
    for (let k = 0; k < dim; k++) {
      const src = (t - 1) * dim + k;
      const i = t * dim + k;
      const p = (t - 1) * dim + k;
      const label = `step ${t}${dim > 1 ? `, coordinate ${k}` : ''}`;
      const a = Number(tables.a[src]);
      const b = Number(tables.b[src]);
      if (!(Number.isFinite(a) && a > 0)) invalid(where, `a[${src}] (${label})`, 'a finite number > 0', a);
      if (!(Number.isFinite(b) && b > 0)) invalid(where, `b[${src}] (${label})`, 'a finite number > 0', b);
      h.a[i] = a;
      h.b[i] = b;
      h.m[i] = tables.m ? Number(tables.m[src]) : h.m[p]! * a;
      s2[i] = tables.s2 ? Number(tables.s2[src]) : a * a * s2[p]! + b;
      if (!(Number.isFinite(h.m[i]!) && h.m[i]! > 0)) invalid(where, `m[${src}] (${label})`, 'a finite number > 0', h.m[i]);
      if (!(Number.isFinite(s2[i]!) && s2[i]! > 0)) invalid(where, `s2[${src}] (${label})`, 'a finite number > 0', s2[i]);
    }
  }
  for (let t = 1; t <= T; t++) {
    for (let k = 0; k < dim; k++) {
      const i = t * dim + k;
      const p = (t - 1) * dim + k;
      const a = h.a[i]!;
      const b = h.b[i]!;
      const m = h.m[i]!;
      const v = s2[i]!;
      const s = Math.sqrt(v);
      const mPrev = h.m[p]!;
      const vPrev = s2[p]!;
      h.logB[i] = Math.log(b);
      h.sqrtB[i] = Math.sqrt(b);
      h.s[i] = s;
      h.logS2[i] = Math.log(v);
      h.invM[i] = 1 / m;
      h.sOverM[i] = s / m;
      h.invS[i] = 1 / s;
      h.mOverS[i] = m / s;
      const c0 = (mPrev * b) / v;
      const ct = (a * vPrev) / v;
      h.postC0[i] = c0;
      h.postCt[i] = ct;
      h.postVar[i] = (b * vPrev) / v;
      h.epsA[i] = c0 / m + ct;
      h.epsB[i] = (-c0 * s) / m;
      h.ddimY[i] = mPrev / m;
      h.ddimEps[i] = Math.sqrt(vPrev) - (mPrev * s) / m;
      h.revVar[i] = t === 1 ? b : h.postVar[i]!;
      h.revLogVar[i] = Math.log(h.revVar[i]!);
    }
  }
  for (let t = 1; t <= T; t++) {
    for (let k = 0; k < dim; k++) {
      const i = t * dim + k;
      // log posterior variance, clipped at t = 1 (where it is log 0) to its t = 2 value (log b_1 if T = 1).
      h.postLogVar[i] = t > 1 ? Math.log(h.postVar[i]!) : T > 1 ? Math.log(h.postVar[2 * dim + k]!) : h.logB[i]!;
    }
  }
  return h;
}
