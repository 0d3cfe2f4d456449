import { suggestName } from '@ddvi/core';
import { UsageError } from './errors';

/**
 * Validators for flag values. Commander hands over strings; each helper turns one into a value or
 * throws a UsageError of the form "--flag must be <expected>, got <value>".
 */

function shown(raw: string): string {
  return raw.trim() === '' ? JSON.stringify(raw) : raw;
}

function toNumber(raw: string): number {
  // Number('') is 0 and Number(' 1 ') is 1: require something that looks like a number.
  return /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(raw) ? Number(raw) : Number.NaN;
}

/** A finite number strictly above `min` (default 0), e.g. a learning rate. */
export function positiveNumber(flag: string, raw: string, min = 0): number {
  const v = toNumber(raw);
  if (!(Number.isFinite(v) && v > min)) throw new UsageError(`${flag} must be a number > ${min}, got ${shown(raw)}`);
  return v;
}

/** A finite number >= `min` (default 0), e.g. a KL weight. */
export function nonNegativeNumber(flag: string, raw: string, min = 0): number {
  const v = toNumber(raw);
  if (!(Number.isFinite(v) && v >= min)) throw new UsageError(`${flag} must be a number >= ${min}, got ${shown(raw)}`);
  return v;
}

/** An integer >= `min` (and <= `max` when given). */
export function integer(flag: string, raw: string, min: number, max?: number): number {
  const v = toNumber(raw);
  const ok = Number.isSafeInteger(v) && v >= min && (max === undefined || v <= max);
  if (!ok) {
    const range = max === undefined ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new UsageError(`${flag} must be an integer ${range}, got ${shown(raw)}`);
  }
  return v;
}

/** A seed: an integer in [0, 2^32). */
export function seed(flag: string, raw: string): number {
  return integer(flag, raw, 0, 0xffffffff);
}

/** One of `known`; the message lists them (and ends with `hint`, when given). */
export function choice<T extends string>(flag: string, raw: string, known: readonly T[], what = 'one of', hint?: string): T {
  if (!(known as readonly string[]).includes(raw)) {
    const guess = suggestName(raw, known);
    throw new UsageError(
      `${flag} must be ${what} ${known.length ? known.join(', ') : '(none registered)'}, got ${JSON.stringify(raw)}` +
        (guess ? `; did you mean ${JSON.stringify(guess)}?` : '') +
        (hint ? `; ${hint}` : ''),
    );
  }
  return raw as T;
}

/** A comma-separated list of integers >= 1, e.g. hidden layer widths "1000,1000" (or "" for none). */
export function widths(flag: string, raw: string): number[] {
  if (raw.trim() === '') return [];
  const parts = raw.split(',').map((p) => p.trim());
  const values = parts.map((p) => toNumber(p));
  if (!values.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new UsageError(`${flag} must be a comma-separated list of integers >= 1 (e.g. 1000,1000), got ${shown(raw)}`);
  }
  return values;
}

/** A JSON object, e.g. family-specific posterior options. */
export function jsonObject(flag: string, raw: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (e) {
    throw new UsageError(`${flag} must be a JSON object (e.g. '{"dropout":0.1}'), got ${raw} (${(e as Error).message})`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new UsageError(`${flag} must be a JSON object (e.g. '{"dropout":0.1}'), got ${raw}`);
  }
  return v as Record<string, unknown>;
}
