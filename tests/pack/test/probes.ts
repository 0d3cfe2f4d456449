import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { run } from './exec';

export type Exports = Record<string, string[]>;

const ESM_PROBE = `const out = {};
for (const s of JSON.parse(process.env.DDVI_SPECIFIERS)) out[s] = Object.keys(await import(s)).sort();
console.log('@@' + JSON.stringify(out));`;

const CJS_PROBE = `const out = {};
for (const s of JSON.parse(process.env.DDVI_SPECIFIERS)) out[s] = Object.keys(require(s)).filter((k) => k !== '__esModule').sort();
console.log('@@' + JSON.stringify(out));`;

/** Entry points built on vitest (conformance kits) load only inside a vitest run. */
const VITEST_PROBE = `import { writeFileSync } from 'node:fs';
import { test } from 'vitest';
test('loads', async () => {
  const out = {};
  for (const s of JSON.parse(process.env.DDVI_SPECIFIERS)) out[s] = Object.keys(await import(s)).sort();
  writeFileSync(process.env.DDVI_PROBE_OUT, JSON.stringify(out));
});
`;

function lastResult(out: string, what: string): unknown {
  const line = out.split('\n').reverse().find((l) => l.startsWith('@@'));
  if (!line) throw new Error(`no result from the ${what} probe:\n${out}`);
  return JSON.parse(line.slice(2));
}

/** Export names per specifier, as a plain Node process in `dir` sees them. */
export async function probeNode(
  dir: string,
  specifiers: string[],
  format: 'esm' | 'cjs',
  env: NodeJS.ProcessEnv,
): Promise<Exports> {
  if (specifiers.length === 0) return {};
  const args = format === 'esm' ? ['--input-type=module', '-e', ESM_PROBE] : ['-e', CJS_PROBE];
  const out = await run(process.execPath, args, { cwd: dir, env: { ...env, DDVI_SPECIFIERS: JSON.stringify(specifiers) } });
  return lastResult(out, format) as Exports;
}

/** Export names per specifier, imported from a test file run by the vitest installed in `dir`. */
export async function probeVitest(dir: string, specifiers: string[], env: NodeJS.ProcessEnv): Promise<Exports> {
  if (specifiers.length === 0) return {};
  const cli = join(dir, 'node_modules', 'vitest', 'vitest.mjs');
  if (!existsSync(cli)) throw new Error(`${specifiers.join(', ')} import vitest, but it is not installed (declare it as a peer)`);
  writeFileSync(join(dir, 'probe.test.mjs'), VITEST_PROBE);
  const result = join(dir, 'probe-result.json');
  await run(process.execPath, [cli, 'run', '--root', dir, 'probe.test.mjs'], {
    cwd: dir,
    env: { ...env, DDVI_SPECIFIERS: JSON.stringify(specifiers), DDVI_PROBE_OUT: result },
  });
  return JSON.parse(readFileSync(result, 'utf8')) as Exports;
}

/** Runs an ad-hoc script in `dir` that prints one '@@'-prefixed JSON line, and returns that value. */
export async function runScript(dir: string, code: string, format: 'esm' | 'cjs', env: NodeJS.ProcessEnv): Promise<unknown> {
  const args = format === 'esm' ? ['--input-type=module', '-e', code] : ['-e', code];
  return lastResult(await run(process.execPath, args, { cwd: dir, env }), format);
}

const IMPORT = /(?:from\s*|import\s*\(?\s*|require\s*\(\s*)["']([^"']+)["']/g;

/** Whether a built file, or a chunk of its package it imports, imports vitest (a test kit). */
export function importsVitest(file: string, seen = new Set<string>()): boolean {
  if (seen.has(file) || !existsSync(file)) return false;
  seen.add(file);
  for (const [, specifier] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    if (specifier === 'vitest') return true;
    if (specifier!.startsWith('.') && importsVitest(join(dirname(file), specifier!), seen)) return true;
  }
  return false;
}
