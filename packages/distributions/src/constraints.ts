/**
 * Domains as data (NumPyro's `constraints`): each distribution declares the constraint of every
 * parameter (`paramConstraints`) and of its values (`support`). A constraint checks numbers on the
 * host, so validation costs one download per parameter and runs only when `validateArgs` is true.
 */
export interface Constraint {
  /** Short name, e.g. 'positive'. */
  readonly name: string;
  /** What a valid entry is, completing "scale must be ... everywhere". */
  readonly expected: string;
  /** Whether one entry is valid. */
  check(v: number): boolean;
}

/** Finite real numbers. */
export const real: Constraint = { name: 'real', expected: 'finite', check: (v) => Number.isFinite(v) };

/** Finite numbers > 0 (scales, standard deviations). */
export const positive: Constraint = {
  name: 'positive',
  expected: 'finite and > 0',
  check: (v) => Number.isFinite(v) && v > 0,
};

/** Numbers in [0, 1] (probabilities, grey levels). */
export const unitInterval: Constraint = {
  name: 'unitInterval',
  expected: 'in [0, 1]',
  check: (v) => v >= 0 && v <= 1,
};

/** Integers in [low, high] (category labels). */
export function integerInterval(low: number, high: number): Constraint {
  return {
    name: `integerInterval(${low}, ${high})`,
    expected: `an integer in [${low}, ${high}]`,
    check: (v) => Number.isInteger(v) && v >= low && v <= high,
  };
}

/** Probability vectors along the last axis (checked row by row by the owner, see Categorical). */
export const simplex: Constraint = {
  name: 'simplex',
  expected: 'in [0, 1] and sum to 1 along the last axis',
  check: (v) => v >= 0 && v <= 1,
};
