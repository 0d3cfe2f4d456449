/* global process */
// The scripts' command lines, on node:util parseArgs (one parser for every script): the flags a
// script declares, `--flag value` or `--flag=value`, a `--` that `pnpm <script> -- ...` passes
// through dropped; a bad flag or value goes to the script's usage(message), which exits.
import { parseArgs } from 'node:util';

/** The values of the declared options (node:util parseArgs `options`), or usage(message) on a parse error. */
export function scriptArgs(options, usage) {
  try {
    return parseArgs({ args: process.argv.slice(2).filter((a) => a !== '--'), options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    return usage(e.message);
  }
}

/** An integer flag's value (undefined: `fallback`), at least `min`. */
export function integerArg(flag, value, fallback, min, usage) {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) usage(`--${flag} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  return n;
}

/** A comma-separated list flag's value (undefined: `fallback`), each item one of `known`, without repeats. */
export function listArg(flag, value, fallback, known, usage) {
  if (value === undefined) return fallback;
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = list.filter((x) => !known.includes(x));
  if (!list.length || unknown.length) usage(`--${flag} must be a comma-separated list of ${known.join(', ')}, got ${JSON.stringify(list.join(','))}`);
  return [...new Set(list)];
}
