import type { z } from 'zod';

/**
 * Reads zod 4 schemas as data (their `def`), so a config error can say what a key expects in the
 * project's words ("an integer >= 1") instead of zod's ("expected int, received number"), and so
 * an unknown key can be compared with the keys its object allows.
 */

type AnySchema = z.core.$ZodType;

interface Def {
  type: string;
  innerType?: AnySchema;
  in?: AnySchema;
  out?: AnySchema;
  element?: AnySchema;
  shape?: Record<string, AnySchema>;
  valueType?: AnySchema;
  items?: AnySchema[];
  options?: AnySchema[];
  entries?: Record<string, unknown>;
  values?: unknown[];
  checks?: { _zod: { def: { check: string; value?: unknown; inclusive?: boolean; minimum?: number; maximum?: number } } }[];
  getter?: () => AnySchema;
}

const defOf = (s: AnySchema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The `.describe()` text of a schema, if it has one (zod 4 keeps it in its global registry). */
function descriptionOf(s: AnySchema): string | undefined {
  const d = (s as unknown as { description?: unknown }).description;
  return typeof d === 'string' && d !== '' ? d : undefined;
}

const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'nonoptional', 'success']);

/** Strips optional/default/nullable/lazy/pipe layers down to the schema that says what a value is. */
export function unwrapSchema(s: AnySchema): AnySchema {
  for (let i = 0; i < 32; i++) {
    const d = defOf(s);
    if (WRAPPERS.has(d.type) && d.innerType) s = d.innerType;
    else if (d.type === 'lazy' && d.getter) s = d.getter();
    // A preprocess/transform pipe: the input side is a function, the output side says what is wanted.
    else if (d.type === 'pipe' && d.in && d.out) s = defOf(d.in).type === 'transform' ? d.out : d.in;
    else break;
  }
  return s;
}

/** The schema that checks the value at `path` inside `root` (undefined where the path leaves it). */
export function schemaAt(root: AnySchema, path: readonly PropertyKey[]): AnySchema | undefined {
  let s: AnySchema | undefined = root;
  for (const key of path) {
    if (!s) return undefined;
    const d = defOf(unwrapSchema(s));
    if (d.type === 'object') s = d.shape?.[String(key)];
    else if (d.type === 'array') s = d.element;
    else if (d.type === 'tuple') s = typeof key === 'number' ? d.items?.[key] : undefined;
    else if (d.type === 'record') s = d.valueType;
    else if (d.type === 'union') s = d.options?.map((o) => schemaAt(o, [key])).find((o) => o !== undefined);
    else return undefined;
  }
  return s;
}

/** The keys an object schema (after unwrapping) allows; empty for anything else. */
export function knownKeys(s: AnySchema | undefined): string[] {
  if (!s) return [];
  const d = defOf(unwrapSchema(s));
  if (d.type === 'object') return Object.keys(d.shape ?? {});
  if (d.type === 'union') return [...new Set((d.options ?? []).flatMap((o) => knownKeys(o)))];
  return [];
}

function numberBounds(d: Def, isInt: boolean): string {
  const parts: string[] = [];
  for (const c of d.checks ?? []) {
    const cd = c._zod.def;
    if (cd.check === 'greater_than') parts.push(`${cd.inclusive ? '>=' : '>'} ${String(cd.value)}`);
    if (cd.check === 'less_than') parts.push(`${cd.inclusive ? '<=' : '<'} ${String(cd.value)}`);
  }
  const noun = isInt ? 'an integer' : 'a finite number';
  return parts.length === 0 ? noun : `${noun} ${parts.join(' and ')}`;
}

function lengthBounds(d: Def, unit: string): string {
  for (const c of d.checks ?? []) {
    const cd = c._zod.def;
    if (cd.check === 'min_length' && cd.minimum === 1) return ` (at least one ${unit})`;
    if (cd.check === 'min_length') return ` (at least ${cd.minimum} ${unit}s)`;
  }
  return '';
}

/**
 * What a schema accepts, in words: its `.describe()` text where one is given, else a phrase
 * built from its type and checks ("an integer >= 1", "one of "a", "b"", "a list of ...").
 */
export function describeSchema(schema: AnySchema, depth = 0): string {
  let s: AnySchema = schema;
  for (let i = 0; i < 32; i++) {
    const text = descriptionOf(s);
    if (text) return text;
    const next = unwrapSchema(s) === s ? undefined : stepIn(s);
    if (!next) break;
    s = next;
  }
  const d = defOf(s);
  if (depth > 3) return 'a valid value';
  switch (d.type) {
    case 'number': {
      const isInt = (s as unknown as { isInt?: boolean }).isInt === true;
      return numberBounds(d, isInt);
    }
    case 'int':
      return numberBounds(d, true);
    case 'string':
      return `a string${lengthBounds(d, 'character')}`;
    case 'boolean':
      return 'true or false';
    case 'enum':
      return `one of ${Object.values(d.entries ?? {}).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'literal':
      return (d.values ?? []).map((v) => JSON.stringify(v)).join(' or ');
    case 'array':
      return `a list${lengthBounds(d, 'item')} of ${d.element ? plural(describeSchema(d.element, depth + 1)) : 'values'}`;
    case 'object':
      return `an object with keys ${Object.keys(d.shape ?? {}).join(', ')}`;
    case 'record':
      return 'an object';
    case 'union':
      return (d.options ?? []).map((o) => describeSchema(o, depth + 1)).join(' or ');
    default:
      return `a ${d.type}`;
  }
}

function stepIn(s: AnySchema): AnySchema | undefined {
  const d = defOf(s);
  if (WRAPPERS.has(d.type)) return d.innerType;
  if (d.type === 'lazy') return d.getter?.();
  if (d.type === 'pipe' && d.in && d.out) return defOf(d.in).type === 'transform' ? d.out : d.in;
  return undefined;
}

const PLURALS: readonly [string, string][] = [
  ['an integer', 'integers'],
  ['a finite number', 'finite numbers'],
  ['a string', 'strings'],
  ['an object', 'objects'],
  ['one of', 'names from'],
];

/** "an integer >= 1" -> "integers >= 1", for "a list of integers >= 1". */
function plural(phrase: string): string {
  for (const [one, many] of PLURALS) if (phrase.startsWith(one)) return many + phrase.slice(one.length);
  return phrase;
}
