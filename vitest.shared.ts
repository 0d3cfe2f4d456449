import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Shared vitest settings: workspace packages resolve to their TypeScript sources through the
 * `@ddvi/source` export condition, so tests never depend on a stale build.
 */
export function vitestConfig(overrides: { testTimeout?: number } = {}) {
  return defineConfig({
    // Vite >= 6 resolves vitest's (server-side) imports with ssr.resolve.conditions; setting
    // conditions replaces Vite's defaults, so they are repeated after ours.
    resolve: { conditions: ['@ddvi/source', 'module', 'browser', 'development|production'] },
    ssr: { resolve: { conditions: ['@ddvi/source', 'module', 'node', 'development|production'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      setupFiles: [fileURLToPath(new URL('./vitest.setup.ts', import.meta.url))],
      testTimeout: overrides.testTimeout ?? 120_000,
      hookTimeout: 120_000,
      pool: 'forks',
      poolOptions: { forks: { singleFork: true } },
    },
  });
}
