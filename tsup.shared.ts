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
