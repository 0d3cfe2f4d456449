import * as tf from '@tensorflow/tfjs-core';
import type { BlasAddon } from './addon';

type Info = tf.TensorInfo;

/** The parts of tfjs' wasm backend the kernels use (tfjs-backend-wasm 4.x). */
interface WasmBackendLike {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): Info;
}

/** Activation codes shared with native/blas.c. */
const ACTIVATIONS: Record<string, number> = { linear: 0, relu: 1, relu6: 2, prelu: 3, leakyrelu: 4, elu: 5, sigmoid: 6 };

export interface BlasKernelStats {
  /** Products computed by cblas_sgemm. */
  native: number;
  /** Calls handed to the kernel registered before (non-float32 inputs, a bias shape the addon does not stride). */
  fallback: number;
}

// Beside the install state on globalThis: kernels registered by another copy of this module (a test
// runner's per-file module graph) count into the same object.
const STATS_KEY = Symbol.for('@ddvi/backend-blas/stats');
type GlobalWithStats = typeof globalThis & { [STATS_KEY]?: BlasKernelStats };
export const stats: BlasKernelStats = ((globalThis as GlobalWithStats)[STATS_KEY] ??= { native: 0, fallback: 0 });

function size(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

interface Strided {
  /** Elements between consecutive batch members when the batch part is all ones (0) or equals the output's. */
  sb: number;
  sm: number;
  sn: number;
  /** The batch part padded to the output's rank, when it broadcasts some dimensions only. */
  batchShape?: number[];
}

/** Row-major strides of `shape` broadcast to [...outer, m, n] (the bias or PReLU weights); undefined when not broadcastable. */
function strides3(shape: readonly number[], outer: readonly number[], m: number, n: number): Strided | undefined {
  const rank = outer.length + 2;
  if (shape.length > rank) return undefined;
  const padded = [...new Array<number>(rank - shape.length).fill(1), ...shape];
  const bm = padded[rank - 2]!;
  const bn = padded[rank - 1]!;
  if ((bm !== 1 && bm !== m) || (bn !== 1 && bn !== n)) return undefined;
  const batchPart = padded.slice(0, rank - 2);
  if (batchPart.some((d, i) => d !== 1 && d !== outer[i])) return undefined;
  const sm = bm === 1 ? 0 : bn;
  const sn = bn === 1 ? 0 : 1;
  if (batchPart.every((d) => d === 1)) return { sb: 0, sm, sn };
  if (batchPart.every((d, i) => d === outer[i])) return { sb: bm * bn, sm, sn };
  return { sb: bm * bn, sm, sn, batchShape: batchPart };
}

/** Flat member index, in a batch of shape `own` broadcast to `outer`, of the output member whose index per dimension is `idx`. */
function memberIndex(own: readonly number[], idx: readonly number[]): number {
  let i = 0;
  for (let d = 0; d < own.length; d++) i = i * own[d]! + (own[d] === 1 ? 0 : idx[d]!);
  return i;
}

/**
 * Builds the kernel function for BatchMatMul or _FusedMatMul: every float32 product goes to
 * cblas_sgemm on the wasm heap, the epilogue (bias, activation) runs in the same native call.
 */
export function makeKernel(addon: BlasAddon, fallback: tf.KernelFunc): tf.KernelFunc {
  const args = new Float64Array(21);
  return (call) => {
    const { inputs, backend, attrs } = call;
    const { a, b, bias, preluActivationWeights: prelu } = inputs as { a: Info; b: Info; bias?: Info; preluActivationWeights?: Info };
    const { transposeA, transposeB, activation, leakyreluAlpha } = attrs as unknown as {
      transposeA: boolean;
      transposeB: boolean;
      activation?: string;
      leakyreluAlpha?: number;
    };
    const act = ACTIVATIONS[activation ?? 'linear'];
    const ra = a.shape.length;
    const rb = b.shape.length;
    const floats = a.dtype === 'float32' && b.dtype === 'float32' && (!bias || bias.dtype === 'float32') && (!prelu || prelu.dtype === 'float32');
    if (!floats || act === undefined || ra < 2 || rb < 2 || (act === ACTIVATIONS.prelu && !prelu)) {
      stats.fallback++;
      return fallback(call);
    }
    const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
    const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
    const kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
    const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
    const batchShapeA = a.shape.slice(0, -2);
    const batchShapeB = b.shape.slice(0, -2);
    let outer: number[];
    try {
      outer = tf.broadcast_util.assertAndGetBroadcastShape(batchShapeA, batchShapeB);
    } catch {
      stats.fallback++;
      return fallback(call); // the kernel registered before reports the mismatch
    }
    if (k !== kb) {
      stats.fallback++;
      return fallback(call);
    }
    const biasStrides = bias ? strides3(bias.shape, outer, m, n) : undefined;
    const preluStrides = act === ACTIVATIONS.prelu ? strides3(prelu!.shape, outer, m, n) : undefined;
    if ((bias && !biasStrides) || (act === ACTIVATIONS.prelu && !preluStrides)) {
      stats.fallback++;
      return fallback(call);
    }
    const be = backend as unknown as WasmBackendLike;
    const batch = size(outer);
    const batchA = size(batchShapeA);
    const batchB = size(batchShapeB);
    const out = be.makeOutput([...outer, m, n], 'float32');
    if (batch === 0 || m === 0 || n === 0) return out;
    // makeOutput may have grown the heap (a new ArrayBuffer): read it and the offsets only now.
    const heap = be.wasm.HEAPU8.buffer as ArrayBuffer;
    const offset = (x: Info): number => be.dataIdMap.get(x.dataId).memoryOffset;
    args[0] = offset(a);
    args[1] = offset(b);
    args[2] = offset(out);
    args[6] = m;
    args[7] = n;
    args[8] = k;
    args[9] = transposeA ? 1 : 0;
    args[10] = transposeB ? 1 : 0;
    args[11] = bias ? offset(bias) : -1;
    if (biasStrides) [args[12], args[13], args[14]] = [biasStrides.sb, biasStrides.sm, biasStrides.sn];
    args[15] = act;
    args[16] = leakyreluAlpha ?? 0.2;
    args[17] = preluStrides ? offset(prelu!) : -1;
    if (preluStrides) [args[18], args[19], args[20]] = [preluStrides.sb, preluStrides.sm, preluStrides.sn];
    const fullA = batchA === batch;
    const fullB = batchB === batch;
    if ((fullA || batchA === 1) && (fullB || batchB === 1) && !biasStrides?.batchShape && !preluStrides?.batchShape) {
      // Same batch layout as the output, or one matrix broadcast to every member: one native call.
      args[3] = batch;
      args[4] = fullA && batch > 1 ? m * k : 0;
      args[5] = fullB && batch > 1 ? k * n : 0;
      addon.gemm(heap, args);
      stats.native += batch;
      return out;
    }
    // General broadcasting (e.g. [2, 1] against [1, 3]): one call per output member.
    const base = args.slice();
    const rank = outer.length;
    const pad = (shape: readonly number[]): number[] => [...new Array<number>(rank - shape.length).fill(1), ...shape];
    const pa = pad(batchShapeA);
    const pb = pad(batchShapeB);
    const pbias = biasStrides ? (biasStrides.batchShape ?? (biasStrides.sb === 0 ? pad([]) : outer)) : undefined;
    const pprelu = preluStrides ? (preluStrides.batchShape ?? (preluStrides.sb === 0 ? pad([]) : outer)) : undefined;
    const idx = new Array<number>(rank).fill(0);
    args[3] = 1;
    args[4] = 0;
    args[5] = 0;
    for (let i = 0; i < batch; i++) {
      let rest = i;
      for (let d = rank - 1; d >= 0; d--) {
        idx[d] = rest % outer[d]!;
        rest = Math.floor(rest / outer[d]!);
      }
      args[0] = base[0]! + memberIndex(pa, idx) * m * k * 4;
      args[1] = base[1]! + memberIndex(pb, idx) * k * n * 4;
      args[2] = base[2]! + i * m * n * 4;
      if (pbias) args[11] = base[11]! + memberIndex(pbias, idx) * biasStrides!.sb * 4;
      if (pprelu) args[17] = base[17]! + memberIndex(pprelu, idx) * preluStrides!.sb * 4;
      addon.gemm(heap, args);
    }
    stats.native += batch;
    return out;
  };
}
