import * as tf from '@tensorflow/tfjs-core';

/**
 * Adam's update of one variable as a single kernel on the wasm and cpu backends.
 *
 * Written with tfjs ops the update is 13 element-wise kernels, each with its own dispatch, output
 * allocation and pass over the parameter. For small variables (biases, the denoiser's step
 * embeddings, the flows' small layers) the dispatches dominate and one JavaScript loop is 2-11x
 * faster; for large ones the wasm backend's SIMD kernels win, because a scalar loop is bound by one
 * division and one square root per element (measured, wasm, per update: 256 elements 13 vs 150 us,
 * 4,096: 74 vs 124 us, 16,384: 259 vs 246 us, 262,144: 4.7 vs 2.6 ms). So `adamUpdate` takes the
 * kernel below `FUSED_ADAM_MAX_SIZE` elements and the ops above. Other backends (tfjs-node, webgl)
 * always run the ops.
 */

/** Variables with fewer elements than this take the one-pass kernel (the crossover measured on wasm). */
export const FUSED_ADAM_MAX_SIZE = 16384;

export const ADAM_UPDATE = 'DdviAdamUpdate';

export interface AdamUpdateAttrs {
  beta1: number;
  beta2: number;
  /** learningRate / (1 - beta1^t): the bias-corrected step. */
  stepSize: number;
  /** 1 - beta2^t, which divides v. */
  vCorrection: number;
  epsilon: number;
}

type Info = tf.TensorInfo;

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(info: Info): Float32Array;
}

interface CpuBackendLike {
  readSync(dataId: object): unknown;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): Info;
}

/** m1 = b1 m + (1 - b1) g; v1 = b2 v + (1 - b2) g^2; w1 = w - stepSize m1 / (sqrt(v1 / vc) + eps), element by element. */
function update(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, w1: Float32Array, m1: Float32Array, v1: Float32Array, a: AdamUpdateAttrs): void {
  const { beta1: b1, beta2: b2, stepSize, vCorrection, epsilon } = a;
  const c1 = 1 - b1;
  const c2 = 1 - b2;
  const invVc = 1 / vCorrection;
  for (let i = 0; i < w.length; i++) {
    const gi = g[i]!;
    const mi = b1 * m[i]! + c1 * gi;
    const vi = b2 * v[i]! + c2 * gi * gi;
    m1[i] = mi;
    v1[i] = vi;
    w1[i] = w[i]! - (stepSize * mi) / (Math.sqrt(vi * invVc) + epsilon);
  }
}

function inputsOf(inputs: tf.NamedTensorInfoMap): [Info, Info, Info, Info] {
  return [inputs.w!, inputs.g!, inputs.m!, inputs.v!];
}

function wasmKernel({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info[] {
  const be = backend as WasmBackendLike;
  const [w, g, m, v] = inputsOf(inputs);
  // Allocate first: malloc may grow the wasm memory, which detaches every view taken before.
  const outs = [be.makeOutput(w.shape, 'float32'), be.makeOutput(w.shape, 'float32'), be.makeOutput(w.shape, 'float32')] as const;
  const [w1, m1, v1] = outs.map((o) => be.typedArrayFromHeap(o)) as [Float32Array, Float32Array, Float32Array];
  update(be.typedArrayFromHeap(w), be.typedArrayFromHeap(g), be.typedArrayFromHeap(m), be.typedArrayFromHeap(v), w1, m1, v1, attrs as unknown as AdamUpdateAttrs);
  return [...outs];
}

function cpuKernel({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info[] {
  const be = backend as CpuBackendLike;
  const [w, g, m, v] = inputsOf(inputs).map((t) => be.readSync(t.dataId) as Float32Array) as [Float32Array, Float32Array, Float32Array, Float32Array];
  const [w1, m1, v1] = [new Float32Array(w.length), new Float32Array(w.length), new Float32Array(w.length)];
  update(w, g, m, v, w1, m1, v1, attrs as unknown as AdamUpdateAttrs);
  const shape = inputs.w!.shape;
  return [be.makeTensorInfo(shape, 'float32', w1), be.makeTensorInfo(shape, 'float32', m1), be.makeTensorInfo(shape, 'float32', v1)];
}

// tfjs keeps one global kernel registry; a second copy of this module (two bundles) finds it filled.
for (const [backendName, kernelFunc] of [['wasm', wasmKernel], ['cpu', cpuKernel]] as const) {
  if (!tf.getKernel(ADAM_UPDATE, backendName)) tf.registerKernel({ kernelName: ADAM_UPDATE, backendName, kernelFunc: kernelFunc as tf.KernelFunc });
}

/** The same update as tfjs ops, for backends without the kernel. */
function updateWithOps(w: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, a: AdamUpdateAttrs): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const m1 = tf.add(tf.mul(a.beta1, m), tf.mul(1 - a.beta1, g));
  const v1 = tf.add(tf.mul(a.beta2, v), tf.mul(1 - a.beta2, tf.square(g)));
  const denom = tf.add(tf.sqrt(tf.div(v1, a.vCorrection)), a.epsilon);
  return [tf.sub(w, tf.mul(a.stepSize, tf.div(m1, denom))), m1, v1];
}

/**
 * One Adam update of a variable: returns the new [w, m, v] (fresh tensors; the inputs are not
 * changed). Float32 tensors of one shape with fewer than `FUSED_ADAM_MAX_SIZE` elements on wasm or
 * cpu take the one-pass kernel (any size when the registered kernel says `anySize`, as the native one of
 * @ddvi/backend-blas does), anything else the op-by-op formula; `useKernel: false` forces the
 * ops and `'always'` the kernel wherever it exists (the baselines of the tests and benchmarks).
 */
export function adamUpdate(
  w: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, attrs: AdamUpdateAttrs, useKernel: boolean | 'always' = true,
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const kernel = tf.getKernel(ADAM_UPDATE, tf.getBackend()) as (tf.KernelConfig & { anySize?: boolean }) | undefined;
  // A kernel registered with `anySize` (the native one of @ddvi/backend-blas) beats the ops at every size.
  const fast =
    (useKernel === 'always' || (useKernel && (w.size < FUSED_ADAM_MAX_SIZE || kernel?.anySize === true))) &&
    kernel !== undefined &&
    [g, m, v].every((t) => tf.util.arraysEqual(t.shape, w.shape)) &&
    [w, g, m, v].every((t) => t.dtype === 'float32');
  if (!fast) return updateWithOps(w, g, m, v, attrs);
  return tf.engine().runKernel(ADAM_UPDATE, { w, g, m, v }, attrs as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}
