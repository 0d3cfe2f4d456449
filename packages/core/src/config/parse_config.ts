import type { z } from 'zod';
import { ValidationError } from '../errors';
import { describeSchema, knownKeys, schemaAt } from './describe_schema';
import { suggestName } from './suggest';

/** One thing wrong with a config: where, what was there, what was expected. */
export interface ConfigIssue {
  /** The key path, e.g. "hidden[0]" or "noising.T" ("" for the config itself). */
  path: string;
  value: unknown;
  expected: string;
  /** The issue as one sentence, without the `where` prefix. */
  message: string;
}

/** A config failed its schema; `issues` lists each problem, the message says them all. */
export class ConfigError extends ValidationError {
  constructor(
    readonly where: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(`${where}: ${issues.map((i) => i.message).join('; ')}`);
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  return out;
}

/** A value as a message shows it: JSON where that reads well, NaN/Infinity/undefined by name, cut at 80 chars. */
export function showValue(value: unknown): string {
  let text: string;
  if (value === undefined) text = 'nothing';
  else if (typeof value === 'number' || typeof value === 'bigint') text = String(value);
  else if (typeof value === 'function') text = 'a function';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function toIssues(schema: z.core.$ZodType, input: unknown, raw: z.core.$ZodIssue): ConfigIssue[] {
  if (raw.code === 'unrecognized_keys') {
    const known = knownKeys(schemaAt(schema, raw.path));
    const owner = formatPath(raw.path);
    return raw.keys.map((key) => {
      const path = formatPath([...raw.path, key]);
      const guess = suggestName(key, known);
      const message =
        `unknown key ${JSON.stringify(key)}${owner ? ` in ${owner}` : ''}` +
        (guess ? `; did you mean ${JSON.stringify(guess)}?` : '') +
        ` (known keys: ${known.join(', ')})`;
      return { path, value: valueAt(input, [...raw.path, key]), expected: `one of the known keys (${known.join(', ')})`, message };
    });
  }
  const at = schemaAt(schema, raw.path);
  // A custom refinement's message is the expectation in its author's words.
  const expected = raw.code === 'custom' || !at ? raw.message : describeSchema(at);
  const value = valueAt(input, raw.path);
  const path = formatPath(raw.path) || 'config';
  return [{ path, value, expected, message: `${path} must be ${expected}, got ${showValue(value)}` }];
}

/**
 * Validates `input` against a zod schema and returns the parsed value (defaults filled). On failure
 * throws one ConfigError naming every bad key path, its value and what was expected, e.g.
 * `gaussian posterior: dropout must be a finite number >= 0 and < 1, got 1.5`, and for a key the
 * schema does not know (objects built with `z.strictObject`): `unknown key "hiden"; did you mean
 * "hidden"? (known keys: ...)`. A key's `.describe('...')` text replaces the generated expectation.
 *
 * @example
 * const Schema = z.strictObject({ T: z.int().min(1).default(5) });
 * const { T } = parseConfig(Schema, JSON.parse(text), 'noising config');
 */
export function parseConfig<S extends z.core.$ZodType>(schema: S, input: unknown, where: string): z.output<S> {
  const result = (schema as unknown as z.ZodType).safeParse(input);
  if (result.success) return result.data as z.output<S>;
  const issues = result.error.issues.flatMap((raw) => toIssues(schema, input, raw));
  throw new ConfigError(where, issues);
}
