import * as tf from '@tensorflow/tfjs-core';

/**
 * The wasm backend's `Identity` kernel sharing its input's memory instead of copying it.
 *
 * Why: tfjs' engine keeps every tensor a gradient needs by cloning it (`Identity`) when the op is
 * recorded on a tape, and wasm's Identity copies the data (cpu's shares it, counting references).
 * In a training step of the paper's MNIST networks that is 200-270 copies, most of them [128, 1000]
 * activations and the 1000 x 1000 weights: 5 ms of the VAE's step and 15 ms of the AAE's in kernel
 * profiles on a loaded machine, 0.2 ms with this kernel (scripts/profile-step.mjs, docs/speed.md). tfjs tensors are immutable: no kernel writes into an input (ours write only the
 * outputs they allocate, and a variable's `assign` swaps its data for another's), so a clone may
 * share the bytes as cpu's does, with the backend's reference count freeing them when the last
 * holder is disposed (the same mechanism wasm's own Reshape uses).
 */

type Info = tf.TensorInfo;

interface WasmBackendLike {
  incRef(dataId: object): void;
}

const BACKEND = 'wasm';
const STATE_KEY = Symbol.for('@ddvi/core:sharedIdentity');
type GlobalWithState = typeof globalThis & { [STATE_KEY]?: tf.KernelConfig };

/**
 * Registers the sharing Identity on wasm (idempotent); false when wasm's kernels are not registered.
 * `initBackend` installs it whenever it selects wasm.
 */
export function installSharedIdentity(): boolean {
  const g = globalThis as GlobalWithState;
  if (g[STATE_KEY]) return true;
  const original = tf.getKernel('Identity', BACKEND);
  if (!original) return false;
  const kernelFunc = ({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: unknown }): Info => {
    const x = inputs.x!;
    (backend as WasmBackendLike).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  tf.unregisterKernel('Identity', BACKEND);
  tf.registerKernel({ ...original, kernelFunc: kernelFunc as tf.KernelFunc });
  g[STATE_KEY] = original;
  return true;
}

/** Restores wasm's copying Identity (for baselines and comparison tests). */
export function uninstallSharedIdentity(): void {
  const g = globalThis as GlobalWithState;
  const original = g[STATE_KEY];
  if (!original) return;
  tf.unregisterKernel('Identity', BACKEND);
  tf.registerKernel(original);
  g[STATE_KEY] = undefined;
}

export function isSharedIdentityInstalled(): boolean {
  return (globalThis as GlobalWithState)[STATE_KEY] !== undefined;
}
