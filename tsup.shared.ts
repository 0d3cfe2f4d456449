import type { Options } from 'tsup';

/**
 * One build recipe for every package: ESM + CJS + .d.ts from `tsconfig.build.json` (which does not
 * resolve siblings to their sources, so each package's types come from the siblings' own builds).
 */
export function tsupConfig(entry: Record<string, string>, extra: Partial<Options> = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: { entry: Object.keys(entry).length > 0 ? entry : undefined },
    tsconfig: 'tsconfig.build.json',
    sourcemap: true,
    clean: true,
    target: 'node20',
    shims: true,
    splitting: false,
    ...extra,
  };
}

/**
 * The same recipe as two builds, for packages whose ESM build must load in browsers (core, the
 * benchmarks' browser entry): with code splitting, tsup's ESM shims put static imports of Node's
 * `path` and `url` into every chunk, which bundlers cannot resolve for a page ("fileURLToPath is
 * not exported"). The ESM build needs no __dirname, so it goes without shims; the CJS build keeps
 * them (`import.meta.url` needs one there). The second build does not clean, so it keeps the first's files.
 */
export function browserSafeTsupConfig(entry: Record<string, string>, extra: Partial<Options> = {}): Options[] {
  return [
    tsupConfig(entry, { ...extra, format: ['esm'], shims: false }),
    tsupConfig(entry, { ...extra, format: ['cjs'], clean: false }),
  ];
}
