import * as tf from '@tensorflow/tfjs-core';
import './gradients';

export type BackendName = 'auto' | 'wasm' | 'cpu' | 'tensorflow';

export interface BackendInfo {
  /** The tfjs backend now active: 'wasm', 'cpu' or 'tensorflow' (tfjs-node). */
  name: string;
  /** Why this one: requested, or what auto-detection found. */
  reason: string;
}

let active: Promise<BackendInfo> | undefined;
let activeRequest: BackendName | undefined;

/**
 * Selects and initializes the tfjs backend once per process. 'auto' uses tfjs-node when it can be
 * imported (an optional accelerator we never depend on), else wasm, the fastest backend that
 * installs from the npm registry alone (measured in docs/backends.md).
 */
export function initBackend(requested: BackendName = 'auto'): Promise<BackendInfo> {
  if (active && activeRequest === requested) return active;
  activeRequest = requested;
  active = select(requested);
  return active;
}

async function select(requested: BackendName): Promise<BackendInfo> {
  if (requested === 'tensorflow' || requested === 'auto') {
    const ok = await tryTfjsNode();
    if (ok) return { name: 'tensorflow', reason: requested === 'auto' ? '@tensorflow/tfjs-node found' : 'requested' };
    if (requested === 'tensorflow') {
      throw new Error('backend "tensorflow" requested but @tensorflow/tfjs-node could not be imported; install it or use --backend wasm');
    }
  }
  if (requested === 'cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
    return { name: 'cpu', reason: 'requested' };
  }
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dir = await wasmDir();
  if (dir) wasm.setWasmPaths(dir);
  const ok = await tf.setBackend('wasm');
  if (!ok) throw new Error('the wasm backend failed to initialize');
  return { name: 'wasm', reason: requested === 'auto' ? '@tensorflow/tfjs-node not installed; wasm is the default' : 'requested' };
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
