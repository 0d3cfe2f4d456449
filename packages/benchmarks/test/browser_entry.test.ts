import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
// What a bundler may pull into a page from @ddvi/benchmarks/browser: browser-safe packages only.
const ALLOWED = new Set(['@ddvi/core', '@ddvi/distributions', '@tensorflow/tfjs-core']);

/** Every module specifier reachable from `entry` through relative imports (type-only imports skipped). */
function reachableImports(entry: string): { files: string[]; external: Map<string, string> } {
  const seen = new Set<string>();
  const external = new Map<string, string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?[^'"]*?from\s+'([^']+)'|^import\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/gm)) {
      if (m[1]) continue;
      const spec = (m[2] ?? m[3] ?? m[4])!;
      if (spec.startsWith('.')) stack.push(join(dirname(file), `${spec}.ts`));
      else external.set(spec, file);
    }
  }
  return { files: [...seen], external };
}

describe('@ddvi/benchmarks/browser', () => {
  it('reaches no Node built-in and no Node-only package', () => {
    const { files, external } = reachableImports(join(SRC, 'browser.ts'));
    expect(files.length).toBeGreaterThan(5);
    const bad = [...external].filter(([spec]) => !ALLOWED.has(spec)).map(([spec, file]) => `${spec} (from ${file})`);
    expect(bad).toEqual([]);
  });

  it('the main entry, by contrast, reads files (the check sees node: imports)', () => {
    const { external } = reachableImports(join(SRC, 'index.ts'));
    expect([...external.keys()].some((s) => s.startsWith('node:'))).toBe(true);
  });
});
