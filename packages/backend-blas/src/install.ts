import * as tf from '@tensorflow/tfjs-core';
import { ADAM_UPDATE, makeAdamKernel } from './adam';
import { INSTALL_HINT, loadAddon, type BlasAddon } from './addon';
import { makeKernel, stats, type BlasKernelStats } from './kernels';

/** `DDVI_BLAS=0` (or false/off/no) turns the native kernels off everywhere. */
export const BLAS_ENV_VAR = 'DDVI_BLAS';
/** BLAS threads per process (default 1); `ddvi bench --jobs n` gives each cell process its share of the cores when set above. */
export const BLAS_THREADS_ENV_VAR = 'DDVI_BLAS_THREADS';

export interface BlasInstallOptions {
  /**
   * BLAS threads for this process (default: DDVI_BLAS_THREADS, else 1). One thread by default: tfjs
   * runs one core per process (`ddvi bench --jobs` fills the others), and on a busy machine a
   * second BLAS thread made the MNIST VAE step 1.35x slower (docs/speed.md, 2026-12-06).
   */
  threads?: number;
}

/** What `installBlasKernels` did: the kernels now running, or why they are not. */
export type BlasStatus =
  | {
      installed: true;
      /** 'OpenBLAS' or 'Accelerate'. */
      library: string;
      /** The library's version where it says one (OpenBLAS), else ''. */
      version: string;
      threads: number;
      /** For reports, e.g. 'OpenBLAS 0.3.21, 1 thread'. */
      kernels: string;
      /** The library's own build description (openblas_get_config). */
      config: string;
      /** Whether @ddvi/core's Adam update runs natively too (core's optimizer was loaded first). */
      adam: boolean;
    }
  | {
      installed: false;
      /** One line: why, and what makes it faster. */
      reason: string;
    };

const KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;
/** Kernels replaced when present: @ddvi/core's Adam update (registered when core's optimizer loads). */
const OPTIONAL_KERNELS = [ADAM_UPDATE] as const;
const BACKEND = 'wasm';

interface Installed {
  previous: tf.KernelConfig[];
  /** Optional kernels replaced (restored on uninstall), and the kernel functions registered for them. */
  optional: { previous: tf.KernelConfig; ours: tf.KernelFunc }[];
  /** Our kernel functions, to notice when someone re-registered the kernels over them. */
  ours: tf.KernelFunc[];
  status: BlasStatus & { installed: true };
}

// Beside tfjs' global kernel registry, so that two copies of this module never wrap twice.
const STATE_KEY = Symbol.for('@ddvi/backend-blas/installed');
type GlobalWithState = typeof globalThis & { [STATE_KEY]?: Installed };
const global = globalThis as GlobalWithState;

/** Installed and still registered (no one re-registered the kernels since). */
export function isBlasInstalled(): boolean {
  const state = global[STATE_KEY];
  return state !== undefined && state.ours.every((f, i) => tf.getKernel(KERNELS[i]!, BACKEND)?.kernelFunc === f);
}

/** True when the environment turns the kernels off (DDVI_BLAS=0|false|off|no). */
export function blasDisabledByEnv(): boolean {
  const v = process.env[BLAS_ENV_VAR]?.trim().toLowerCase();
  return v === '0' || v === 'false' || v === 'off' || v === 'no';
}

function resolveThreads(requested: number | undefined): number {
  const fromEnv = process.env[BLAS_THREADS_ENV_VAR]?.trim();
  const t = requested ?? (fromEnv ? Number(fromEnv) : 1);
  if (!Number.isInteger(t) || t < 1 || t > 1024) {
    const what = requested !== undefined ? 'installBlasKernels: options.threads' : BLAS_THREADS_ENV_VAR;
    throw new RangeError(`${what} must be an integer in [1, 1024], got ${JSON.stringify(requested ?? fromEnv)}`);
  }
  return t;
}

function describe(addon: BlasAddon, state?: Installed): BlasStatus & { installed: true } {
  const { library, config, threads } = addon.info();
  const version = /OpenBLAS\s+([0-9][^\s]*)/.exec(config)?.[1] ?? '';
  const name = version ? `${library} ${version}` : library;
  const kernels = library === 'Accelerate' ? name : `${name}, ${threads} thread${threads === 1 ? '' : 's'}`;
  const adam = state ? state.optional.some((o) => tf.getKernel(ADAM_UPDATE, BACKEND)?.kernelFunc === o.ours) : false;
  return { installed: true, library, version, threads, kernels, config, adam };
}

/**
 * Registers native matrix products (cblas_sgemm of the system's OpenBLAS or Accelerate) as the
 * wasm backend's `BatchMatMul` and `_FusedMatMul` kernels. Operands are read where the wasm backend
 * keeps them (its heap) and the result is written into the output it allocates, so nothing is
 * copied; the fused bias and activation run in the same native call. Gradients stay tfjs' own (they
 * are built from these kernels). Calls the addon does not cover (non-float32 operands, a bias
 * broadcast it cannot stride) go to the kernel registered before.
 *
 * Returns what it did, or why not (addon not built, turned off by DDVI_BLAS=0, wasm backend not
 * registered): it never throws for an unavailable library. A second call only updates the threads.
 *
 * Warning: install it after anything else that re-registers these kernels (`@ddvi/core`'s
 * `initBackend` does so in the right order); uninstalling restores exactly what it replaced.
 */
export function installBlasKernels(options: BlasInstallOptions = {}): BlasStatus {
  // A bad argument is the caller's error even when the environment turns the kernels off.
  if (options.threads !== undefined) resolveThreads(options.threads);
  if (blasDisabledByEnv()) return { installed: false, reason: `native kernels turned off (${BLAS_ENV_VAR}=${process.env[BLAS_ENV_VAR]})` };
  const threads = resolveThreads(options.threads);
  const load = loadAddon();
  if (!load.ok) return { installed: false, reason: `${load.reason}; for faster products ${INSTALL_HINT}` };
  const { addon } = load;
  addon.setThreads(threads);
  const current = global[STATE_KEY];
  const stillOurs = current?.ours.every((f, i) => tf.getKernel(KERNELS[i]!, BACKEND)?.kernelFunc === f);
  if (current && stillOurs) {
    installOptional(addon, current);
    return (current.status = describe(addon, current));
  }
  const previous = KERNELS.map((name) => tf.getKernel(name, BACKEND));
  if (previous.some((k) => k === undefined)) {
    return { installed: false, reason: 'the wasm backend is not registered (import @tensorflow/tfjs-backend-wasm first)' };
  }
  const ours: tf.KernelFunc[] = [];
  for (const original of previous as tf.KernelConfig[]) {
    const kernelFunc = makeKernel(addon, original.kernelFunc);
    ours.push(kernelFunc);
    tf.unregisterKernel(original.kernelName, BACKEND);
    tf.registerKernel({ ...original, kernelFunc });
  }
  // When someone re-registered the kernels over ours (e.g. a matMul fix reinstalled), theirs are wrapped now.
  // Optional kernels an earlier install put in place and that are still registered stay tracked, so that
  // uninstalling restores the kernel they replaced (@ddvi/core's), not our own earlier one.
  const kept = (current?.optional ?? []).filter((o) => tf.getKernel(o.previous.kernelName, BACKEND)?.kernelFunc === o.ours);
  const state: Installed = { previous: previous as tf.KernelConfig[], ours, optional: kept, status: undefined! };
  installOptional(addon, state);
  state.status = describe(addon, state);
  global[STATE_KEY] = state;
  return state.status;
}

/** Replaces @ddvi/core's Adam kernel when it is registered and not ours yet. */
function installOptional(addon: BlasAddon, state: Installed): void {
  for (const name of OPTIONAL_KERNELS) {
    const registered = tf.getKernel(name, BACKEND);
    if (!registered || state.optional.some((o) => o.ours === registered.kernelFunc)) continue;
    const config = makeAdamKernel(addon);
    tf.unregisterKernel(name, BACKEND);
    tf.registerKernel(config);
    state.optional.push({ previous: registered, ours: config.kernelFunc });
  }
}

/** Restores the kernels `installBlasKernels` replaced. */
export function uninstallBlasKernels(): void {
  const state = global[STATE_KEY];
  if (!state) return;
  for (const o of [...state.optional].reverse()) {
    if (tf.getKernel(o.previous.kernelName, BACKEND)?.kernelFunc !== o.ours) continue;
    tf.unregisterKernel(o.previous.kernelName, BACKEND);
    tf.registerKernel(o.previous);
  }
  if (!state.ours.every((f, i) => tf.getKernel(KERNELS[i]!, BACKEND)?.kernelFunc === f)) {
    global[STATE_KEY] = undefined; // already replaced by someone else: leave their kernels
    return;
  }
  for (const original of state.previous) {
    tf.unregisterKernel(original.kernelName, BACKEND);
    tf.registerKernel(original);
  }
  global[STATE_KEY] = undefined;
}

/** The status of the installed kernels, or undefined when they are not installed. */
export function installedBlasKernels(): (BlasStatus & { installed: true }) | undefined {
  return isBlasInstalled() ? global[STATE_KEY]?.status : undefined;
}

/** Whether the addon loads here, without installing anything (for `--version` and docs). */
export function blasAvailability(): BlasStatus {
  const load = loadAddon();
  return load.ok ? { ...describe(load.addon, global[STATE_KEY]) } : { installed: false, reason: `${load.reason}; for faster products ${INSTALL_HINT}` };
}

/** Products computed natively and calls handed back, since the last reset (tests, profiling). */
export function blasKernelStats(reset = false): BlasKernelStats {
  const out = { ...stats };
  if (reset) stats.native = stats.fallback = 0;
  return out;
}
