import * as tf from '@tensorflow/tfjs-core';
import type { BlasAddon } from './addon';

/** @ddvi/core's Adam kernel (packages/core/src/optim/adam_kernel.ts): same name, inputs and attributes. */
export const ADAM_UPDATE = 'DdviAdamUpdate';

/**
 * Below this many elements @ddvi/core's own kernel runs (double arithmetic in JavaScript), above it
 * tfjs' op-by-op formula (float32 ops): the native kernel rounds as the path it replaces, so its
 * results are the same bits at every size (tested).
 */
const CORE_KERNEL_MAX_SIZE = 16384;

type Info = tf.TensorInfo;

interface WasmBackendLike {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): Info;
}

interface AdamAttrs {
  beta1: number;
  beta2: number;
  stepSize: number;
  vCorrection: number;
  epsilon: number;
}

/**
 * The native Adam update: one pass over w, g, m, v in C instead of 13 wasm kernels (large variables)
 * or a JavaScript loop (small ones). `anySize` tells @ddvi/core's `adamUpdate` to send variables of
 * every size here, not only the small ones its own kernel is faster for.
 */
export function makeAdamKernel(addon: BlasAddon): tf.KernelConfig & { anySize: true } {
  const args = new Float64Array(14);
  const kernelFunc = ({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info[] => {
    const be = backend as WasmBackendLike;
    const { w, g, m, v } = inputs as { w: Info; g: Info; m: Info; v: Info };
    const a = attrs as unknown as AdamAttrs;
    // Allocate first: malloc may grow the wasm memory (a new buffer), so the heap is read after.
    const outs = [be.makeOutput(w.shape, 'float32'), be.makeOutput(w.shape, 'float32'), be.makeOutput(w.shape, 'float32')];
    let n = 1;
    for (const d of w.shape) n *= d;
    if (n === 0) return outs;
    const off = (x: Info): number => be.dataIdMap.get(x.dataId).memoryOffset;
    args[0] = off(w);
    args[1] = off(g);
    args[2] = off(m);
    args[3] = off(v);
    args[4] = off(outs[0]!);
    args[5] = off(outs[1]!);
    args[6] = off(outs[2]!);
    args[7] = n;
    args[8] = a.beta1;
    args[9] = a.beta2;
    args[10] = a.stepSize;
    args[11] = a.vCorrection;
    args[12] = a.epsilon;
    args[13] = n < CORE_KERNEL_MAX_SIZE ? 0 : 1;
    addon.adam(be.wasm.HEAPU8.buffer as ArrayBuffer, args);
    return outs;
  };
  return { kernelName: ADAM_UPDATE, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc, anySize: true };
}
