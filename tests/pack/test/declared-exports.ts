import { fileURLToPath } from 'node:url';
import type { Problem } from '@arethetypeswrong/core';
import { run } from './exec';

// Every check here is synchronous work of seconds (a linter, the TypeScript compiler); each runs in
// a child process (static-checks.mjs) so that the test worker's event loop stays free.
const SCRIPT = fileURLToPath(new URL('./static-checks.mjs', import.meta.url));

async function staticCheck<T>(cwd: string, ...args: string[]): Promise<T> {
  return JSON.parse(await run(process.execPath, [SCRIPT, ...args], { cwd })) as T;
}

/** publint (strict, suggestions included) on a tarball: its messages, formatted. */
export function publintMessages(cwd: string, tarball: string): Promise<string[]> {
  return staticCheck(cwd, 'publint', tarball);
}

/** arethetypeswrong's problems on a tarball (none when the package ships no types). */
export async function attwProblems(cwd: string, tarball: string): Promise<Problem[]> {
  return (await staticCheck<{ problems: Problem[] }>(cwd, 'attw', tarball)).problems;
}

/**
 * The run-time export names each TypeScript source file declares (types and `export type` left
 * out), resolved through `export *` and re-exports by the compiler itself.
 */
export async function sourceRuntimeExports(cwd: string, files: string[]): Promise<Map<string, string[]>> {
  if (files.length === 0) return new Map();
  return new Map(Object.entries(await staticCheck<Record<string, string[]>>(cwd, 'source-exports', ...files)));
}

export interface ConsumerTypes {
  /** Run-time export names the types promise to an `import` (ESM) consumer, per specifier. */
  esm: Record<string, string[]>;
  /** The same for a `require` (CommonJS) consumer. */
  cjs: Record<string, string[]>;
  /** Diagnostics in the consumer files: unresolved types, ESM/CJS format mismatches. */
  errors: string[];
}

/**
 * Type-checks `import` of some specifiers and `require` of others from a consumer in `dir` (where
 * the package is installed), under Node16 resolution as a strict TypeScript user would, and
 * reports what each sees.
 */
export function consumerTypes(dir: string, esmSpecifiers: string[], cjsSpecifiers: string[]): Promise<ConsumerTypes> {
  return staticCheck(dir, 'consumer-types', dir, JSON.stringify(esmSpecifiers), JSON.stringify(cjsSpecifiers));
}
