import * as tf from '@tensorflow/tfjs-core';
import './gradients';
import { ValidationError } from '../errors';
import { tryBlasKernels } from './blas';
import { installMatMulFix } from './matmul_fix';
import { installSharedIdentity } from './shared_identity';

/** The backends `initBackend` accepts, 'auto' first. */
export const BACKEND_NAMES = ['auto', 'wasm', 'cpu', 'tensorflow'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Environment variable read by `initBackend()` when called without an argument. */
export const BACKEND_ENV_VAR = 'DDVI_BACKEND';

export interface BackendInfo {
  /** The tfjs backend now active: 'wasm', 'cpu' or 'tensorflow' (tfjs-node). */
  name: string;
  /** Why this one: requested, or what auto-detection found. */
  reason: string;
  /**
   * The kernels that run, for reports: 'wasm + OpenBLAS 0.3.21, 2 threads' with the native
   * products of @ddvi/backend-blas, else the backend's name.
   */
  kernels?: string;
  /** One line on a faster path not taken (e.g. why the native products are off). */
  note?: string;
}

let active: Promise<BackendInfo> | undefined;
let activeRequest: BackendName | undefined;
/** What the settled selection found (undefined while one is in flight or after one failed). */
let activeInfo: BackendInfo | undefined;

/**
 * Selects and initializes the tfjs backend once per process. 'auto' uses tfjs-node when it can be
 * imported (an optional accelerator we never depend on), else wasm, the fastest backend that
 * installs from the npm registry alone (measured in docs/backends.md). Without an argument the
 * `DDVI_BACKEND` environment variable (auto | wasm | cpu | tensorflow) decides, default 'auto'.
 * On wasm it also installs the matrix-product fix (./matmul_fix.ts), the sharing Identity
 * (./shared_identity.ts), then the native products of
 * @ddvi/backend-blas when that package is importable and `DDVI_BLAS` is not 0 (./blas.ts).
 */
export function initBackend(requested?: BackendName): Promise<BackendInfo> {
  let name: BackendName;
  try {
    name = requested === undefined ? fromEnv() : checkName(requested, 'initBackend: backend');
  } catch (e) {
    return Promise.reject(e);
  }
  // Reuse the selection unless someone switched backends behind our back (tf.setBackend).
  if (active && activeRequest === name && (activeInfo === undefined || activeInfo.name === tf.getBackend())) return active;
  activeRequest = name;
  activeInfo = undefined;
  const attempt = select(name).then(
    (info) => {
      if (active === attempt) activeInfo = info;
      return { ...info, reason: requested === undefined && envValue() ? `${info.reason} (${BACKEND_ENV_VAR}=${envValue()})` : info.reason };
    },
    (e: unknown) => {
      if (active === attempt) {
        active = undefined;
        activeRequest = undefined;
      }
      throw e;
    },
  );
  active = attempt;
  return attempt;
}

/**
 * The kernels computing now, for records of work done (a benchmark cell's): those `initBackend`
 * selected ('wasm + OpenBLAS 0.3.21, 1 thread'), or tfjs' backend name where it did not select the
 * active backend (tests that call `tf.setBackend` themselves, or a backend switched since).
 */
export function activeKernels(): string {
  const now = tf.getBackend();
  return activeInfo && activeInfo.name === now ? (activeInfo.kernels ?? activeInfo.name) : now;
}

function envValue(): string | undefined {
  const v = typeof process === 'undefined' ? undefined : process.env?.[BACKEND_ENV_VAR];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function fromEnv(): BackendName {
  const v = envValue();
  return v === undefined ? 'auto' : checkName(v.toLowerCase(), BACKEND_ENV_VAR);
}

function checkName(name: string, what: string): BackendName {
  if ((BACKEND_NAMES as readonly string[]).includes(name)) return name as BackendName;
  throw new ValidationError(`${what} must be one of ${BACKEND_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
}

async function select(requested: BackendName): Promise<BackendInfo> {
  if (requested === 'tensorflow' || requested === 'auto') {
    const ok = await tryTfjsNode();
    if (ok) return { name: 'tensorflow', kernels: 'tensorflow', reason: requested === 'auto' ? '@tensorflow/tfjs-node found' : 'requested' };
    if (requested === 'tensorflow') {
      throw new Error('backend "tensorflow" requested but @tensorflow/tfjs-node could not be imported; install it, or choose another backend (e.g. DDVI_BACKEND=wasm)');
    }
  }
  if (requested === 'cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
    return { name: 'cpu', kernels: 'cpu', reason: 'requested' };
  }
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dir = await wasmDir();
  if (dir) wasm.setWasmPaths(dir);
  const ok = await tf.setBackend('wasm');
  if (!ok) throw new Error('the wasm backend failed to initialize');
  installMatMulFix();
  installSharedIdentity();
  const blas = await tryBlasKernels();
  return {
    name: 'wasm',
    kernels: blas.kernels ? `wasm + ${blas.kernels}` : 'wasm',
    ...(blas.note ? { note: blas.note } : {}),
    reason: requested === 'auto' ? '@tensorflow/tfjs-node not installed; wasm is the default' : 'requested',
  };
}

async function tryTfjsNode(): Promise<boolean> {
  try {
    const name = '@tensorflow/tfjs-node';
    await import(/* @vite-ignore */ name);
    return tf.setBackend('tensorflow');
  } catch {
    return false;
  }
}

/** In Node the wasm binaries sit beside the backend's own entry file; browsers use the default. */
async function wasmDir(): Promise<string | undefined> {
  if (typeof process === 'undefined' || !process.versions?.node) return undefined;
  const { createRequire } = await import('node:module');
  const { dirname } = await import('node:path');
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/';
}
