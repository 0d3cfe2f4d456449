import * as tf from '@tensorflow/tfjs-core';

/**
 * Fast matrix products on the wasm backend.
 *
 * The wasm backend runs a product through XNNPACK only when neither transpose flag is set and both
 * operands are single matrices; every other call (a transpose flag, a batch of matrices) falls back
 * to a naive loop that is 10-20x slower. tfjs' own BatchMatMul gradient and the gradient of
 * `tf.fused.matMul` both use the flags, so without a fix the backward pass dominates every training
 * step. That slow path also adds the bias of a flagged or batched `tf.fused.matMul` wrongly (bias[N-1]
 * to every row after the first; tfjs 4.22).
 *
 * The fix works at kernel level, below the gradients: it wraps the wasm `BatchMatMul` and
 * `_FusedMatMul` kernels so that every product large enough to matter reaches XNNPACK:
 *  - transpose flags: operands are transposed explicitly (the wasm `Transpose` kernel) and the
 *    original kernel runs without flags;
 *  - BatchMatMul picks the cheaper of C = op(A)·op(B) and C = (op(B)ᵀ·op(A)ᵀ)ᵀ by counting elements
 *    moved: transposes, plus XNNPACK's packing of the right operand, which it caches per tensor and
 *    which costs ~3 transposes. So dY·Wᵀ transposes the small dY and the output instead of the large W,
 *    and x·W with freshly updated weights packs xᵀ instead of W; a right operand seen a second time is
 *    packed (and then cached), as in evaluation with fixed weights;
 *  - batches: [batch, M, K]·[K, N] becomes one [batch·M, K]·[K, N] product; other batches run as one
 *    product per batch member.
 * Products below `minWork` multiply-adds keep the original kernel (the extra calls would cost more
 * than they save), except fused products with a bias, which are always rewritten for correctness.
 * Results are the same sums in another order (equal to float32 rounding); gradients stay tfjs' own,
 * so forward flagged products, fused matMul and its gradient all benefit. Measured in docs/backends.md.
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
  /** Always take one plan for BatchMatMul instead of the cheaper one (for tests). */
  force?: 'direct' | 'swapped';
}

export interface MatMulFixStats {
  /** Calls the original kernel ran unchanged (already fast, too small, or not handled). */
  passthrough: number;
  /** Flagged products run as op(A)·op(B) with explicit transposes. */
  direct: number;
  /** Products run as (op(B)ᵀ·op(A)ᵀ)ᵀ. */
  swapped: number;
  /** Batched products folded into one matrix product. */
  folded: number;
  /** Batched products run as one product per batch member. */
  looped: number;
}

const KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;
type KernelName = (typeof KERNELS)[number];

type ResolvedOptions = { minWork: number; force: 'direct' | 'swapped' | undefined };

interface Installed {
  originals: Map<KernelName, tf.KernelConfig>;
  options: ResolvedOptions;
}

const BACKEND = 'wasm';

/**
 * The install state lives beside tfjs' own global kernel registry, not in this module: a second copy
 * of this module (a test runner's per-file module graph, two bundles) must see the kernels as already
 * wrapped, never wrap them twice, and restore tfjs' true originals.
 */
const STATE_KEY = Symbol.for('@ddvi/core/matmul_fix');
const STATS_KEY = Symbol.for('@ddvi/core/matmul_fix_stats');
type GlobalWithState = typeof globalThis & { [STATE_KEY]?: Installed; [STATS_KEY]?: MatMulFixStats };
const stats: MatMulFixStats = ((globalThis as GlobalWithState)[STATS_KEY] ??= {
  passthrough: 0,
  direct: 0,
  swapped: 0,
  folded: 0,
  looped: 0,
});
function getInstalled(): Installed | undefined {
  return (globalThis as GlobalWithState)[STATE_KEY];
}
function setInstalled(state: Installed | undefined): void {
  (globalThis as GlobalWithState)[STATE_KEY] = state;
}

/**
 * Wraps the wasm backend's product kernels (the only backend that needs it: cpu's are as fast with
 * flags, tfjs-node's are TensorFlow's). Idempotent (a second call only updates the options);
 * returns false when the wasm kernels are not registered (tfjs-backend-wasm not imported).
 * `initBackend` installs it whenever it selects wasm.
 */
export function installMatMulFix(options: MatMulFixOptions = {}): boolean {
  const opts: ResolvedOptions = { minWork: options.minWork ?? 16384, force: options.force };
  const current = getInstalled();
  if (current) {
    Object.assign(current.options, opts);
    return true;
  }
  const transposeKernel = tf.getKernel('Transpose', BACKEND);
  if (!tf.getKernel('BatchMatMul', BACKEND) || !transposeKernel) return false;
  const state: Installed = { originals: new Map(), options: opts };
  for (const name of KERNELS) {
    const original = tf.getKernel(name, BACKEND);
    if (!original) continue;
    state.originals.set(name, original);
    const kernelFunc =
      name === 'BatchMatMul'
        ? wrapBatchMatMul(original.kernelFunc, transposeKernel.kernelFunc, state.options)
        : wrapFusedMatMul(original.kernelFunc, transposeKernel.kernelFunc, state.options);
    tf.unregisterKernel(name, BACKEND);
    tf.registerKernel({ ...original, kernelFunc });
  }
  setInstalled(state);
  return true;
}

/** Restores tfjs' original kernels (for baselines and comparison tests). */
export function uninstallMatMulFix(): void {
  const state = getInstalled();
  if (!state) return;
  for (const [name, original] of state.originals) {
    tf.unregisterKernel(name, BACKEND);
    tf.registerKernel(original);
  }
  setInstalled(undefined);
}

export function isMatMulFixInstalled(): boolean {
  return getInstalled() !== undefined;
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

/**
 * XNNPACK packs the right operand of every product it runs into its own layout and caches that per
 * tensor; packing costs about PACK_COST times a transpose of the same size (measured on wasm SIMD).
 */
const PACK_COST = 3;

/** Right operands already packed by XNNPACK (it caches the packing per tensor until disposed). */
const packed = new WeakSet<object>();
/** Right operands seen unpacked once: seen twice, a tensor is likely reused, so pack it. */
const sighted = new WeakSet<object>();

function wrapBatchMatMul(original: tf.KernelFunc, transposeFunc: tf.KernelFunc, options: ResolvedOptions): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs as { a: Info; b: Info };
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const d = a.dtype === 'float32' && b.dtype === 'float32' ? dims(a, b, transposeA, transposeB) : undefined;
    const single = d !== undefined && d.batchA === 1 && d.batchB === 1;
    const foldable = d !== undefined && d.batchB === 1 && !transposeA;
    // Folding costs no extra kernel call, so it counts the whole batch's work.
    const work = d ? d.m * d.k * d.n * (foldable ? d.batchA : 1) : 0;
    if (!d || work < options.minWork || (d.batchA !== d.batchB && d.batchA !== 1 && d.batchB !== 1)) {
      stats.passthrough++;
      return original(args);
    }
    const be = backend as unknown as WasmBackendLike;
    const t = makeTransposer(transposeFunc, backend);
    const run = (x: Info, y: Info): Info => {
      packed.add(y.dataId);
      return original({ inputs: { a: x, b: y }, backend, attrs: { transposeA: false, transposeB: false } }) as Info;
    };

    // One matrix product op(x)·op(y) = [m, n], operands viewed as [1, rows, cols].
    const product = (x: Info, y: Info, m: number, k: number, n: number): Info => {
      // Elements moved by each plan: transposes, plus XNNPACK's packing of the right operand.
      const reuse = !transposeB && (packed.has(y.dataId) || sighted.has(y.dataId));
      const directCost = (transposeA ? m * k : 0) + (transposeB ? k * n : 0) + (!transposeB && packed.has(y.dataId) ? 0 : PACK_COST * k * n);
      const swappedCost = (transposeB ? 0 : k * n) + (transposeA ? 0 : m * k) + (transposeA && packed.has(x.dataId) ? 0 : PACK_COST * k * m) + m * n;
      const swap = options.force === 'swapped' || (options.force !== 'direct' && !reuse && swappedCost < directCost);
      if (!transposeB) sighted.add(y.dataId);
      if (!swap) {
        if (!transposeA && !transposeB) {
          stats.passthrough++;
          return run(x, y);
        }
        stats.direct++;
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
    if (single || foldable) {
      // [batch, m, k]·[k, n] is one [batch·m, k]·[k, n] product.
      if (!single) stats.folded++;
      const rows = d.batchA * m;
      const out = product(view(a, shapeA(rows)), view(b, shapeB), rows, k, n);
      return { ...out, shape: d.outShape };
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
      const oi = product(ai, bi, m, k, n);
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

function wrapFusedMatMul(original: tf.KernelFunc, transposeFunc: tf.KernelFunc, options: ResolvedOptions): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { a, b, bias, preluActivationWeights } = inputs as { a: Info; b: Info; bias?: Info; preluActivationWeights?: Info };
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const d = a.dtype === 'float32' && b.dtype === 'float32' ? dims(a, b, transposeA, transposeB) : undefined;
    // tfjs' fused matMul op always passes rank-3 operands. The original's slow path adds a rank-1 bias
    // wrongly (bias[N-1] to every row after the first), so with a bias every slow call is rewritten,
    // however small. Bias and activation act on the output elementwise in memory order, which the
    // rewrites below preserve.
    const slow = d !== undefined && (transposeA || transposeB || d.batchA > 1 || d.batchB > 1);
    const wanted = slow && (bias != null || d.m * d.k * d.n * d.batchA >= options.minWork);
    const fold = d !== undefined && d.batchB === 1 && (d.batchA === 1 || !transposeA);
    const loop = d !== undefined && (d.batchA === d.batchB || d.batchA === 1 || d.batchB === 1) && preluActivationWeights == null;
    if (!d || !wanted || a.shape.length !== 3 || b.shape.length !== 3 || !(fold || loop)) {
      stats.passthrough++;
      return original(args);
    }
    const be = backend as unknown as WasmBackendLike;
    const t = makeTransposer(transposeFunc, backend);
    // op(x)·op(y) + bias with explicit transposes; x, y are [1, rows, cols].
    const product = (x: Info, y: Info, rows: number): Info => {
      const x2 = transposeA ? t(x) : view(x, [1, rows, d.k]);
      const y2 = transposeB ? t(y) : y;
      const out = original({
        inputs: { ...inputs, a: x2, b: y2 },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      }) as Info;
      if (transposeA) be.disposeData(x2.dataId);
      if (transposeB) be.disposeData(y2.dataId);
      return out;
    };
    if (fold) {
      if (d.batchA > 1) stats.folded++;
      else stats.direct++;
      const out = product(a, b, d.batchA * d.m);
      return { ...out, shape: d.outShape };
    }
    stats.looped++;
    const { m, k, n } = d;
    const batch = Math.max(d.batchA, d.batchB);
    const out = be.makeOutput([batch, m, n], 'float32');
    for (let i = 0; i < batch; i++) {
      const ai = slice(be, a, d.batchA === 1 ? 0 : i, m * k, transposeA ? [1, k, m] : [1, m, k]);
      const bi = slice(be, b, d.batchB === 1 ? 0 : i, k * n, transposeB ? [1, n, k] : [1, k, n]);
      const oi = product(ai, bi, m);
      be.typedArrayFromHeap(out).set(be.typedArrayFromHeap(view(oi, [m * n])), i * m * n);
      be.disposeData(oi.dataId);
      be.disposeData(ai.dataId);
      be.disposeData(bi.dataId);
    }
    return { ...out, shape: d.outShape };
  };
}
