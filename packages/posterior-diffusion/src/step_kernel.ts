import * as tf from '@tensorflow/tfjs-core';
import { LOG_2PI } from '@ddvi/core';

/**
 * One reverse step of the DDVI chain's arithmetic as one kernel (and its gradient as one more) on
 * the wasm and cpu backends.
 *
 * Written with tfjs ops, what a reverse step does after the denoiser (its mean from the prediction,
 * the learned log-variance, the draw, log q's term and the Rao-Blackwellized bound's term) is ~60
 * element-wise kernels on [B, d] tensors (d = 2 here: 256 elements), and ~2-3x that in the backward
 * pass, plus the tape's copies of saved tensors. At that size every kernel is dispatch, not
 * arithmetic: measured on the paper's MNIST step (T = 40), those ops were about half of the step's
 * 18,600 kernel calls. One JavaScript loop over the [B, d] elements does the same in microseconds.
 * It computes in double and rounds once, so its results equal the ops' to float32 rounding (tested,
 * values and gradients). Other backends (tfjs-node, webgl) keep the ops.
 *
 * Per element, with the step's schedule constants (one per coordinate, or one for all):
 *   mean = cy y + cp p + s                             (p: the denoiser's prediction; s: a shift of the
 *                                                       mean, prior guidance's step, else zeros)
 *   logv = lo + sigmoid(h) (hi - lo)   (learned: h the denoiser's second head; else logv = lo)
 *   next = mean + exp(logv / 2) n                      (n: the step's standard-normal draw)
 *   logQ = -0.5 sum_k (n^2 + logv + log 2 pi)
 *   smoothed = sum_k [-0.5 (logv + 1 + log 2 pi) + 0.5 (((y - a mean)^2 + a^2 e^logv) / b + log b + log 2 pi)]
 */

export const REVERSE_STEP = 'DdviReverseStep';
export const REVERSE_STEP_GRAD = 'DdviReverseStepGrad';

/** The step's constants, each of length 1 (shared by every coordinate) or d. */
export interface ReverseStepAttrs {
  cy: number[];
  cp: number[];
  lo: number[];
  hi: number[];
  a: number[];
  b: number[];
  logB: number[];
  /** 1: `out` is [B, 2d], its second half the variance head; 0: `out` is [B, d] and logv = lo. */
  learned: number;
}

type Info = tf.TensorInfo;
type Kernel = (args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) => Info[];

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(info: Info): Float32Array;
}

interface CpuBackendLike {
  readSync(dataId: object): unknown;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): Info;
}

const at = (xs: number[], k: number): number => (xs.length === 1 ? xs[0]! : xs[k]!);

/** Forward: next [B, d], mean [B, d], logQ [B], smoothed [B]. */
function forward(y: Float32Array, out: Float32Array, n: Float32Array, shift: Float32Array, B: number, d: number, c: ReverseStepAttrs, next: Float32Array, mean: Float32Array, logQ: Float32Array, smoothed: Float32Array): void {
  const w = c.learned ? 2 * d : d;
  for (let i = 0; i < B; i++) {
    let q = 0;
    let s = 0;
    for (let k = 0; k < d; k++) {
      const yi = y[i * d + k]!;
      const m = at(c.cy, k) * yi + at(c.cp, k) * out[i * w + k]! + shift[i * d + k]!;
      const lo = at(c.lo, k);
      const logv = c.learned ? lo + (at(c.hi, k) - lo) / (1 + Math.exp(-out[i * w + d + k]!)) : lo;
      const ni = n[i * d + k]!;
      mean[i * d + k] = m;
      next[i * d + k] = m + Math.exp(0.5 * logv) * ni;
      q += ni * ni + logv + LOG_2PI;
      const a = at(c.a, k);
      const r = yi - a * m;
      s += -0.5 * (logv + 1 + LOG_2PI) + 0.5 * ((r * r + a * a * Math.exp(logv)) / at(c.b, k) + at(c.logB, k) + LOG_2PI);
    }
    logQ[i] = -0.5 * q;
    smoothed[i] = s;
  }
}

/**
 * Backward: dy [B, d], dout [B, w] and dmean [B, d] (the shift's gradient) from the four outputs'
 * gradients (the draw n has none).
 */
function backward(
  y: Float32Array, out: Float32Array, n: Float32Array, shift: Float32Array, gNext: Float32Array, gMean: Float32Array, gQ: Float32Array, gS: Float32Array,
  B: number, d: number, c: ReverseStepAttrs, dy: Float32Array, dout: Float32Array, dmean: Float32Array,
): void {
  const w = c.learned ? 2 * d : d;
  for (let i = 0; i < B; i++) {
    const dq = gQ[i]!;
    const ds = gS[i]!;
    for (let k = 0; k < d; k++) {
      const yi = y[i * d + k]!;
      const cy = at(c.cy, k);
      const cp = at(c.cp, k);
      const m = cy * yi + cp * out[i * w + k]! + shift[i * d + k]!;
      const lo = at(c.lo, k);
      const span = at(c.hi, k) - lo;
      const u = c.learned ? 1 / (1 + Math.exp(-out[i * w + d + k]!)) : 0;
      const logv = c.learned ? lo + span * u : lo;
      const a = at(c.a, k);
      const b = at(c.b, k);
      const r = yi - a * m;
      const gn = gNext[i * d + k]!;
      const dm = gn + gMean[i * d + k]! - (ds * a * r) / b;
      dy[i * d + k] = cy * dm + (ds * r) / b;
      dout[i * w + k] = cp * dm;
      dmean[i * d + k] = dm;
      if (c.learned) {
        const ev = Math.exp(logv);
        const dlogv = gn * 0.5 * Math.sqrt(ev) * n[i * d + k]! - 0.5 * dq + ds * (-0.5 + (0.5 * a * a * ev) / b);
        dout[i * w + d + k] = dlogv * span * u * (1 - u);
      }
    }
  }
}

/** The gradient kernel's inputs: the step's and its outputs' gradients. */
type GradInputs = Record<'y' | 'out' | 'n' | 'shift' | 'gNext' | 'gMean' | 'gQ' | 'gS', Info>;

const dims = (y: Info): [number, number] => [y.shape[0]!, y.shape[1]!];

const wasmForward: Kernel = ({ inputs, backend, attrs }) => {
  const be = backend as WasmBackendLike;
  const { y, out, n, shift } = inputs as { y: Info; out: Info; n: Info; shift: Info };
  const [B, d] = dims(y);
  // Allocate first: malloc may grow the wasm memory, which detaches every view taken before.
  const outs = [be.makeOutput([B, d], 'float32'), be.makeOutput([B, d], 'float32'), be.makeOutput([B], 'float32'), be.makeOutput([B], 'float32')];
  const [next, mean, logQ, smoothed] = outs.map((o) => be.typedArrayFromHeap(o)) as [Float32Array, Float32Array, Float32Array, Float32Array];
  const v = (t: Info) => be.typedArrayFromHeap(t);
  forward(v(y), v(out), v(n), v(shift), B, d, attrs as unknown as ReverseStepAttrs, next, mean, logQ, smoothed);
  return outs;
};

const wasmBackward: Kernel = ({ inputs, backend, attrs }) => {
  const be = backend as WasmBackendLike;
  const x = inputs as GradInputs;
  const [B, d] = dims(x.y);
  const outs = [be.makeOutput([B, d], 'float32'), be.makeOutput([...x.out.shape], 'float32'), be.makeOutput([B, d], 'float32')];
  const [dy, dout, dmean] = outs.map((o) => be.typedArrayFromHeap(o)) as [Float32Array, Float32Array, Float32Array];
  const v = (t: Info) => be.typedArrayFromHeap(t);
  backward(v(x.y), v(x.out), v(x.n), v(x.shift), v(x.gNext), v(x.gMean), v(x.gQ), v(x.gS), B, d, attrs as unknown as ReverseStepAttrs, dy, dout, dmean);
  return outs;
};

const cpuForward: Kernel = ({ inputs, backend, attrs }) => {
  const be = backend as CpuBackendLike;
  const { y, out, n, shift } = inputs as { y: Info; out: Info; n: Info; shift: Info };
  const [B, d] = dims(y);
  const v = (t: Info) => be.readSync(t.dataId) as Float32Array;
  const [next, mean, logQ, smoothed] = [new Float32Array(B * d), new Float32Array(B * d), new Float32Array(B), new Float32Array(B)];
  forward(v(y), v(out), v(n), v(shift), B, d, attrs as unknown as ReverseStepAttrs, next, mean, logQ, smoothed);
  return [be.makeTensorInfo([B, d], 'float32', next), be.makeTensorInfo([B, d], 'float32', mean), be.makeTensorInfo([B], 'float32', logQ), be.makeTensorInfo([B], 'float32', smoothed)];
};

const cpuBackward: Kernel = ({ inputs, backend, attrs }) => {
  const be = backend as CpuBackendLike;
  const x = inputs as GradInputs;
  const [B, d] = dims(x.y);
  const v = (t: Info) => be.readSync(t.dataId) as Float32Array;
  const dy = new Float32Array(B * d);
  const dout = new Float32Array(x.out.shape[0]! * x.out.shape[1]!);
  const dmean = new Float32Array(B * d);
  backward(v(x.y), v(x.out), v(x.n), v(x.shift), v(x.gNext), v(x.gMean), v(x.gQ), v(x.gS), B, d, attrs as unknown as ReverseStepAttrs, dy, dout, dmean);
  return [be.makeTensorInfo([B, d], 'float32', dy), be.makeTensorInfo([...x.out.shape], 'float32', dout), be.makeTensorInfo([B, d], 'float32', dmean)];
};

// tfjs keeps one global registry; a second copy of this module (two bundles) finds it filled.
for (const [backendName, fwd, bwd] of [['wasm', wasmForward, wasmBackward], ['cpu', cpuForward, cpuBackward]] as const) {
  if (!tf.getKernel(REVERSE_STEP, backendName)) tf.registerKernel({ kernelName: REVERSE_STEP, backendName, kernelFunc: fwd as tf.KernelFunc });
  if (!tf.getKernel(REVERSE_STEP_GRAD, backendName)) tf.registerKernel({ kernelName: REVERSE_STEP_GRAD, backendName, kernelFunc: bwd as tf.KernelFunc });
}
if (!tf.getGradient(REVERSE_STEP)) {
  tf.registerGradient({
    kernelName: REVERSE_STEP,
    inputsToSave: ['y', 'out', 'n', 'shift'],
    gradFunc: (dys: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const [y, out, n, shift] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const [gNext, gMean, gQ, gS] = dys as tf.Tensor[];
      const [dy, dout, dmean] = tf.engine().runKernel(REVERSE_STEP_GRAD, { y, out, n, shift, gNext: gNext!, gMean: gMean!, gQ: gQ!, gS: gS! }, attrs) as tf.Tensor[];
      return { y: () => dy!, out: () => dout!, n: () => tf.zerosLike(n), shift: () => dmean! };
    },
  });
}

let enabled = true;

/**
 * Whether the DDVI posterior runs its reverse chain fused (default on): the whole chain as one
 * differentiable op with a hand-written backward pass, each step's arithmetic as one kernel, where
 * the backend has that kernel (wasm, cpu) and the configuration allows (a `GaussianMarkovProcess`,
 * reverse noise, not predict 'y0' with the DDIM mean). Off, or elsewhere: the chain op by op, the
 * same function (the path the tests and benchmarks compare with).
 */
export function setFusedReverseStep(on: boolean): void {
  enabled = on;
}

/** Whether the fused chain is on (`setFusedReverseStep`) and the current backend has its kernel. */
export function fusedReverseStepAvailable(): boolean {
  return enabled && tf.getKernel(REVERSE_STEP, tf.getBackend()) !== undefined;
}

/** Runs the fused step: [next, mean, logQ term, smoothed term]; `shift` [B, d] is added to the mean (zeros: none). */
export function fusedReverseStep(y: tf.Tensor2D, out: tf.Tensor2D, n: tf.Tensor2D, shift: tf.Tensor2D, attrs: ReverseStepAttrs): [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D] {
  return tf.engine().runKernel(REVERSE_STEP, { y, out, n, shift }, attrs as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
}
