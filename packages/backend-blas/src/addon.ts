import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The compiled addon (native/blas.c). */
export interface BlasAddon {
  /** One batch of products plus the fused epilogue, on the wasm heap (argument layout in blas.c). */
  gemm(heap: ArrayBuffer, args: Float64Array): void;
  /** One Adam update of one variable on the wasm heap (argument layout in blas.c). */
  adam(heap: ArrayBuffer, args: Float64Array): void;
  info(): { library: string; config: string; threads: number };
  setThreads(n: number): void;
}

export type AddonLoad = { ok: true; addon: BlasAddon } | { ok: false; reason: string };

/** What makes the fast path available, for the one line printed where it is not. */
export const INSTALL_HINT =
  process.platform === 'darwin'
    ? 'install the Xcode command line tools, then reinstall @ddvi/backend-blas'
    : 'apt-get install libopenblas-dev (gcc too), then reinstall @ddvi/backend-blas';

let cached: AddonLoad | undefined;

/**
 * Loads build/blas.node once. Both src/ and dist/ sit one level below the package root, so the
 * same relative path serves the sources (tests) and the build.
 */
export function loadAddon(): AddonLoad {
  if (cached) return cached;
  const addonPath = fileURLToPath(new URL('../build/blas.node', import.meta.url));
  const statusPath = fileURLToPath(new URL('../build/status.json', import.meta.url));
  if (!existsSync(addonPath)) {
    let reason = 'the native kernels were not built at install time';
    try {
      const status = JSON.parse(readFileSync(statusPath, 'utf8')) as { reason?: string };
      if (status.reason) reason = status.reason;
    } catch {
      // no status file: the install script never ran (pnpm blocks dependency builds unless allowed)
      reason += ' (was the install script blocked? pnpm: add @ddvi/backend-blas to onlyBuiltDependencies)';
    }
    return (cached = { ok: false, reason });
  }
  try {
    const require = createRequire(import.meta.url);
    return (cached = { ok: true, addon: require(addonPath) as BlasAddon });
  } catch (e) {
    return (cached = { ok: false, reason: `build/blas.node failed to load: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` });
  }
}
