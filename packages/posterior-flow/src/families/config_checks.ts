import { ValidationError, invalid } from '@ddvi/core';

/** One validator per config key: throws naming the family, the key and what it expects. */
export type Check = (where: string, key: string, value: unknown) => void;

/**
 * defaults overlaid with `partial`, after rejecting unknown keys and running every key's check
 * on the merged value (so a bad default would be caught too).
 */
export function resolveWith<C extends object>(where: string, defaults: C, partial: Partial<C>, checks: { [K in keyof C]: Check }): C {
  if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) invalid(where, 'config', 'an object', partial);
  const known = Object.keys(defaults);
  for (const k of Object.keys(partial)) {
    if (!known.includes(k)) throw new ValidationError(`${where}: unknown config key ${JSON.stringify(k)}; known keys: ${known.join(', ')}`);
  }
  const merged = { ...defaults, ...partial } as C;
  for (const k of known as (keyof C & string)[]) checks[k](where, k, merged[k]);
  return merged;
}

export const widths =
  (allowEmpty: boolean): Check =>
  (where, key, v) => {
    const ok = Array.isArray(v) && (allowEmpty || v.length > 0) && v.every((h) => Number.isInteger(h) && h >= 1);
    if (!ok) invalid(where, key, allowEmpty ? 'an array of integers >= 1' : 'a non-empty array of integers >= 1', v);
  };

export const integerAtLeast =
  (min: number): Check =>
  (where, key, v) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) invalid(where, key, `an integer >= ${min}`, v);
  };

export const positiveNumber: Check = (where, key, v) => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) invalid(where, key, 'a finite number > 0', v);
};

export const finiteNumber: Check = (where, key, v) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) invalid(where, key, 'a finite number', v);
};

export const unitInterval: Check = (where, key, v) => {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) invalid(where, key, 'a number in [0, 1)', v);
};

export const nonNegative: Check = (where, key, v) => {
  if (typeof v !== 'number' || !(v >= 0 && Number.isFinite(v))) invalid(where, key, 'a finite number >= 0', v);
};

export const oneOf =
  (options: readonly string[]): Check =>
  (where, key, v) => {
    if (typeof v !== 'string' || !options.includes(v)) invalid(where, key, `one of ${options.map((o) => JSON.stringify(o)).join(', ')}`, v);
  };
