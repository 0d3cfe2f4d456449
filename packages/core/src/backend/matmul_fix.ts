import * as tf from '@tensorflow/tfjs-core';

/**
 * Fast matrix products on the wasm backend.
 *
 * The wasm backend runs a product through XNNPACK only when neither transpose flag is set and both
 * operands are single matrices; every other call (a transpose flag, a batch of matrices) falls back
 * to a naive triple loop that is 10-20x slower. tfjs' own BatchMatMul gradient and the gradient of
 * `tf.fused.matMul` both use the flags, so without a fix the backward pass dominates every training
 * step. The same slow path also adds the bias of a flagged `tf.fused.matMul` wrongly (it uses bias[N-1]
 * for every row after the first; tfjs 4.22).
 *
 * The fix works at kernel level: it wraps the wasm `BatchMatMul` and `_FusedMatMul` kernels so that a
 * call the original would send to the slow loop is rewritten into calls it sends to XNNPACK:
 *  - transpose flags: the operand is transposed explicitly (wasm `Transpose` kernel) and the original
 *    kernel runs without flags. For BatchMatMul the cheaper of C = op(A)·op(B) and C = (op(B)ᵀ·op(A)ᵀ)ᵀ
 *    is chosen by the elements moved (transposes plus XNNPACK's packing of the right operand), so
 *    dC·Wᵀ transposes the small dC twice instead of the large W once.
 *  - batches: [batch, M, K]·[K, N] becomes one [batch·M, K]·[K, N] product; equal batches of both
 *    operands run as one product per batch member.
 * Small products (below `minWork` multiply-adds) keep the original kernel, where the extra kernel calls
 * would cost more than they save. Results are the same products, summed in another order: they agree
 * with the original kernel to float32 rounding. Gradients stay tfjs' own, so every op built on matMul
 * (including fused matMul and its gradient) benefits.
 */

type Info = tf.TensorInfo;

interface WasmBackendLike {
  disposeData(dataId: object, force?: boolean): boolean;
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(info: Info): Float32Array;
}

export interface MatMulFixOptions {
  /** Products with fewer multiply-adds than this keep the original kernel (default 16384). */
  minWork?: number;
}

export interface MatMulFixStats {
  /** Calls the original kernel ran unchanged (already fast, too small, or not handled). */
  passthrough: number;
  /** Flagged products rewritten as op(A)·op(B) with explicit transposes. */
  direct: number;
  /** Flagged products rewritten as (op(B)ᵀ·op(A)ᵀ)ᵀ. */
  swapped: number;
  /** Batched products folded into one matrix product. */
  folded: number;
  /** Batched products run as one product per batch member. */
  looped: number;
}

const KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;
type KernelName = (typeof KERNELS)[number];

interface Installed {
  originals: Map<KernelName, tf.KernelConfig>;
  options: Required<MatMulFixOptions>;
}

const installed = new Map<string, Installed>();
const stats: MatMulFixStats = { passthrough: 0, direct: 0, swapped: 0, folded: 0, looped: 0 };

/**
 * Wraps the product kernels of `backendName` (default 'wasm'; the only backend that needs it).
 * Idempotent; returns false when the backend has no BatchMatMul kernel registered. `initBackend`
 * installs it whenever it selects wasm.
 */
export function installMatMulFix(backendName = 'wasm', options: MatMulFixOptions = {}): boolean {
  const opts: Required<MatMulFixOptions> = { minWork: options.minWork ?? 16384 };
  const current = installed.get(backendName);
  if (current) {
    current.options.minWork = opts.minWork;
    return true;
  }
  const transposeKernel = tf.getKernel('Transpose', backendName);
  if (!tf.getKernel('BatchMatMul', backendName) || !transposeKernel) return false;
  const state: Installed = { originals: new Map(), options: opts };
  for (const name of KERNELS) {
    const original = tf.getKernel(name, backendName);
    if (!original) continue;
    state.originals.set(name, original);
    const kernelFunc =
      name === 'BatchMatMul'
        ? wrapBatchMatMul(original.kernelFunc, transposeKernel.kernelFunc, state.options)
        : wrapFusedMatMul(original.kernelFunc, transposeKernel.kernelFunc, state.options);
    tf.unregisterKernel(name, backendName);
    tf.registerKernel({ ...original, kernelFunc });
  }
  installed.set(backendName, state);
  return true;
}

/** Restores tfjs' original kernels (for baselines and comparison tests). */
export function uninstallMatMulFix(backendName = 'wasm'): void {
  const state = installed.get(backendName);
  if (!state) return;
  for (const [name, original] of state.originals) {
    tf.unregisterKernel(name, backendName);
    tf.registerKernel(original);
  }
  installed.delete(backendName);
}

export function isMatMulFixInstalled(backendName = 'wasm'): boolean {
  return installed.has(backendName);
}

/** Counts of the paths taken since the last reset (for tests and profiling). */
export function matMulFixStats(reset = false): MatMulFixStats {
  const out = { ...stats };
  if (reset) for (const k of Object.keys(stats) as (keyof MatMulFixStats)[]) stats[k] = 0;
  return out;
}

// ---------------------------------------------------------------------------------------------

type Transposer = (x: Info) => Info;

function makeTransposer(transposeFunc: tf.KernelFunc, backend: unknown): Transposer {
  return (x) => {
    const r = x.shape.length;
    const perm = x.shape.map((_, i) => i);
    perm[r - 2] = r - 1;
    perm[r - 1] = r - 2;
    return transposeFunc({ inputs: { x }, backend: backend as tf.KernelBackend, attrs: { perm } }) as Info;
  };
}

function view(x: Info, shape: number[]): Info {
  return { dataId: x.dataId, shape, dtype: x.dtype };
}

function size(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

interface Dims {
  batchA: number;
  batchB: number;
  m: number;
  k: number;
  n: number;
  outShape: number[];
}

function dims(a: Info, b: Info, transposeA: boolean, transposeB: boolean): Dims | undefined {
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2) return undefined;
  const m = (transposeA ? a.shape[ra - 1] : a.shape[ra - 2])!;
  const k = (transposeA ? a.shape[ra - 2] : a.shape[ra - 1])!;
  const kb = (transposeB ? b.shape[rb - 1] : b.shape[rb - 2])!;
  const n = (transposeB ? b.shape[rb - 2] : b.shape[rb - 1])!;
  if (k !== kb) return undefined; // let the original kernel report the mismatch
  let outer: number[];
  try {
    outer = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  } catch {
    return undefined;
  }
  return { batchA: size(a.shape.slice(0, -2)), batchB: size(b.shape.slice(0, -2)), m, k, n, outShape: [...outer, m, n] };
}

function wrapBatchMatMul(original: tf.KernelFunc, transposeFunc: tf.KernelFunc, options: Required<MatMulFixOptions>): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs as { a: Info; b: Info };
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const d = a.dtype === 'float32' && b.dtype === 'float32' ? dims(a, b, transposeA, transposeB) : undefined;
    const single = d !== undefined && d.batchA === 1 && d.batchB === 1;
    const foldable = d !== undefined && d.batchB === 1 && !transposeA;
    // Folding costs no extra kernel call, so it counts the whole batch's work.
    const work = d ? d.m * d.k * d.n * (foldable ? d.batchA : 1) : 0;
    if (!d || (single && !transposeA && !transposeB) || work < options.minWork) {
      stats.passthrough++;
      return original(args);
    }
    const be = backend as unknown as WasmBackendLike;
    const t = makeTransposer(transposeFunc, backend);
    const run = (x: Info, y: Info): Info =>
      original({ inputs: { a: x, b: y }, backend, attrs: { transposeA: false, transposeB: false } }) as Info;

    // One matrix product with flags, as matrices viewed [1, rows, cols].
    const product = (x: Info, y: Info, m: number, k: number, n: number): Info => {
      // Elements moved: transposes, plus XNNPACK's packing of the right operand (k x n, or k x m).
      const directCost = (transposeA ? m * k : 0) + (transposeB ? k * n : 0) + k * n;
      const swappedCost = (transposeB ? 0 : k * n) + (transposeA ? 0 : m * k) + k * m + 2 * m * n;
      if (directCost <= swappedCost) {
        stats.direct += transposeA || transposeB ? 1 : 0;
        const x2 = transposeA ? t(x) : x;
        const y2 = transposeB ? t(y) : y;
        const out = run(x2, y2);
        if (x2 !== x) be.disposeData(x2.dataId);
        if (y2 !== y) be.disposeData(y2.dataId);
        return out;
      }
      stats.swapped++;
      const yT = transposeB ? y : t(y); // [n, k]
      const xT = transposeA ? x : t(x); // [k, m]
      const outT = run(yT, xT); // [n, m]
      if (yT !== y) be.disposeData(yT.dataId);
      if (xT !== x) be.disposeData(xT.dataId);
      const out = t(view(outT, [1, n, m]));
      be.disposeData(outT.dataId);
      return out;
    };

    const { m, k, n } = d;
    const shapeA = (rows: number): number[] => (transposeA ? [1, k, rows] : [1, rows, k]);
    const shapeB = transposeB ? [1, n, k] : [1, k, n];
    if (single) {
      const out = product(view(a, shapeA(m)), view(b, shapeB), m, k, n);
      return { ...out, shape: d.outShape };
    }
    if (foldable) {
      // [batch, m, k]·[k, n] is one [batch·m, k]·[k, n] product.
      stats.folded++;
      const rows = d.batchA * m;
      const out = transposeB ? product(view(a, shapeA(rows)), view(b, shapeB), rows, k, n) : run(view(a, shapeA(rows)), view(b, shapeB));
      return { ...out, shape: d.outShape };
    }
    if (d.batchA !== d.batchB && d.batchA !== 1 && d.batchB !== 1) {
      stats.passthrough++;
      return original(args);
    }
    // One product per batch member, copied into the output.
    stats.looped++;
    const batch = Math.max(d.batchA, d.batchB);
    const out = be.makeOutput([batch, m, n], 'float32');
    const sizeA = m * k;
    const sizeB = k * n;
    for (let i = 0; i < batch; i++) {
      const ai = slice(be, a, d.batchA === 1 ? 0 : i, sizeA, shapeA(m));
      const bi = slice(be, b, d.batchB === 1 ? 0 : i, sizeB, shapeB);
      const oi = transposeA || transposeB ? product(ai, bi, m, k, n) : run(ai, bi);
      be.typedArrayFromHeap(out).set(be.typedArrayFromHeap(view(oi, [m * n])), i * m * n);
      be.disposeData(oi.dataId);
      be.disposeData(ai.dataId);
      be.disposeData(bi.dataId);
    }
    return { ...out, shape: d.outShape };
  };
}

/** A copy of batch member `index` of x (contiguous `count` elements), viewed with `shape`. */
function slice(be: WasmBackendLike, x: Info, index: number, count: number, shape: number[]): Info {
  const out = be.makeOutput(shape, 'float32');
  const src = be.typedArrayFromHeap(x);
  be.typedArrayFromHeap(out).set(src.subarray(index * count, (index + 1) * count));
  return out;
}

function wrapFusedMatMul(original: tf.KernelFunc, transposeFunc: tf.KernelFunc, options: Required<MatMulFixOptions>): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs as { a: Info; b: Info };
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const d = a.dtype === 'float32' && b.dtype === 'float32' ? dims(a, b, transposeA, transposeB) : undefined;
    // tfjs' fused matMul op always passes rank-3 operands; bias and activation act on the output
    // elementwise in memory order, which the rewrites below preserve.
    const handled =
      d !== undefined &&
      a.shape.length === 3 &&
      b.shape.length === 3 &&
      d.batchB === 1 &&
      (d.batchA === 1 ? transposeA || transposeB : !transposeA) &&
      d.m * d.k * d.n >= options.minWork;
    if (!handled || !d) {
      stats.passthrough++;
      return original(args);
    }
    const be = backend as unknown as WasmBackendLike;
    const t = makeTransposer(transposeFunc, backend);
    const rows = d.batchA * d.m;
    if (d.batchA > 1) stats.folded++;
    else stats.direct++;
    const a2 = transposeA ? t(a) : view(a, [1, rows, d.k]);
    const b2 = transposeB ? t(b) : b;
    const out = original({ inputs: { ...inputs, a: a2, b: b2 }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } }) as Info;
    if (transposeA) be.disposeData(a2.dataId);
    if (transposeB) be.disposeData(b2.dataId);
    return { ...out, shape: d.outShape };
  };
}
