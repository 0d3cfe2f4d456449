/**
 * The optional native kernels (@ddvi/backend-blas): imported by name when installed, like
 * tfjs-node, so @ddvi/core never depends on them. Where they are missing or cannot load, products
 * stay on wasm and `note` says in one line why and what makes them faster.
 */

/** `DDVI_BLAS=0` (or false/off/no) keeps the products on wasm; the CLI's `--no-blas` sets it. */
export const BLAS_ENV_VAR = 'DDVI_BLAS';
/** BLAS threads per process (default 1: measured faster on a busy machine, docs/speed.md); `ddvi bench --jobs n` never gives a cell process more than its share of the cores. */
export const BLAS_THREADS_ENV_VAR = 'DDVI_BLAS_THREADS';

export interface BlasOutcome {
  /** e.g. 'OpenBLAS 0.3.21, 1 thread', when the native kernels run. */
  kernels?: string;
  /** Why they do not, in one line, when they do not. */
  note?: string;
}

interface BlasModule {
  installBlasKernels(): { installed: true; kernels: string } | { installed: false; reason: string };
}

export function blasDisabled(): boolean {
  const v = typeof process === 'undefined' ? undefined : process.env?.[BLAS_ENV_VAR]?.trim().toLowerCase();
  return v === '0' || v === 'false' || v === 'off' || v === 'no';
}

/** Installs the native products on the wasm backend when @ddvi/backend-blas is importable. */
export async function tryBlasKernels(): Promise<BlasOutcome> {
  if (typeof process === 'undefined' || !process.versions?.node) return {};
  if (blasDisabled()) return { note: `native products off (${BLAS_ENV_VAR}=${process.env[BLAS_ENV_VAR]})` };
  let mod: BlasModule;
  try {
    const name = '@ddvi/backend-blas';
    mod = (await import(/* @vite-ignore */ name)) as BlasModule;
  } catch {
    return { note: 'products on wasm: install @ddvi/backend-blas (and libopenblas-dev) for native matrix products' };
  }
  const status = mod.installBlasKernels();
  return status.installed ? { kernels: status.kernels } : { note: `products on wasm: ${status.reason}` };
}
