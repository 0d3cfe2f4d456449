import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeak } from '@ddvi/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blasAvailability, blasDisabledByEnv, blasKernelStats, installBlasKernels, installedBlasKernels, isBlasInstalled, uninstallBlasKernels } from '../src';

type Act = 'linear' | 'relu' | 'relu6' | 'prelu' | 'leakyrelu' | 'elu' | 'sigmoid';

/** Deterministic values in [-1, 1] (a fixed LCG), identical on every backend. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

interface Case {
  a: number[];
  b: number[];
  transposeA?: boolean;
  transposeB?: boolean;
  bias?: number[];
  activation?: Act;
  prelu?: number[];
  alpha?: number;
  /** Overwrite these flat indices of a with these values (non-finite inputs). */
  special?: [number, number][];
  /** Tile a and b by these repetitions first (the cpu reference of general batch broadcasting). */
  tile?: [number[], number[]];
}

function size(shape: number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

function run(c: Case): { shape: number[]; data: Float32Array } {
  return tf.tidy(() => {
    const av = values(size(c.a), 1);
    for (const [i, v] of c.special ?? []) av[i] = v;
    let a = tf.tensor(av, c.a);
    let b = tf.tensor(values(size(c.b), 2), c.b);
    if (c.tile) {
      a = tf.tile(a, c.tile[0]);
      b = tf.tile(b, c.tile[1]);
    }
    const fused = c.bias !== undefined || (c.activation !== undefined && c.activation !== 'linear');
    const y = fused
      ? tf.fused.matMul({
          a,
          b,
          transposeA: c.transposeA,
          transposeB: c.transposeB,
          bias: c.bias ? tf.tensor(values(size(c.bias), 3), c.bias) : undefined,
          activation: c.activation,
          preluActivationWeights: c.prelu ? tf.tensor(values(size(c.prelu), 4), c.prelu) : undefined,
          leakyreluAlpha: c.alpha,
        })
      : tf.matMul(a, b, c.transposeA, c.transposeB);
    return { shape: y.shape, data: y.dataSync() as Float32Array };
  });
}

async function onBackend<T>(name: string, f: () => T): Promise<T> {
  const before = tf.getBackend();
  await tf.setBackend(name);
  try {
    return f();
  } finally {
    await tf.setBackend(before);
  }
}

/**
 * Each product is a sum of k terms of magnitude <= 1 accumulated in another order than the cpu
 * backend's loop: float32 rounding bounds the difference by about k * 2^-24 * k; 1e-5 * (1 + k)
 * relative to max(1, |y|) leaves a margin and still catches any wrong element (errors are O(0.1)).
 */
function expectClose(got: { shape: number[]; data: Float32Array }, want: { shape: number[]; data: Float32Array }, k: number): void {
  expect(got.shape).toEqual(want.shape);
  expect(got.data.length).toBe(want.data.length);
  const tol = 1e-5 * (1 + k);
  for (let i = 0; i < want.data.length; i++) {
    const g = got.data[i]!;
    const w = want.data[i]!;
    if (Number.isNaN(w) || !Number.isFinite(w)) {
      expect(Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w)), `element ${i}: ${g} vs ${w}`).toBe(true);
    } else {
      expect(Math.abs(g - w), `element ${i}: ${g} vs ${w}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w)));
    }
  }
}

const available = blasAvailability();

describe('installBlasKernels', () => {
  it('reports a reason and a hint, or the kernels it installed', () => {
    const status = installBlasKernels();
    if (status.installed) {
      expect(status.kernels).toMatch(/^(OpenBLAS \d+\.\d+\.\d+, \d+ threads?|Accelerate)$/);
      expect(installedBlasKernels()?.kernels).toBe(status.kernels);
    } else {
      expect(status.reason).toMatch(/install|turned off/);
    }
  });

  it('turns off with DDVI_BLAS=0 and rejects a bad thread count', () => {
    const saved = process.env.DDVI_BLAS;
    process.env.DDVI_BLAS = '0';
    try {
      const s = installBlasKernels();
      expect(s).toEqual({ installed: false, reason: 'native kernels turned off (DDVI_BLAS=0)' });
    } finally {
      if (saved === undefined) delete process.env.DDVI_BLAS;
      else process.env.DDVI_BLAS = saved;
    }
    expect(() => installBlasKernels({ threads: 0 })).toThrow(/options.threads must be an integer in \[1, 1024\], got 0/);
  });
});

describe.skipIf(!available.installed || blasDisabledByEnv())('native products against the cpu backend', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    const s = installBlasKernels({ threads: 1 });
    expect(s.installed).toBe(true);
  });
  afterAll(() => {
    installBlasKernels(); // leave the default thread count for later files
  });

  /** Compares with the cpu backend (`reference` there when given); `path` is the kernel expected to run. */
  const check = async (c: Case, reference: Case = c, path: 'native' | 'fallback' | 'none' = 'native'): Promise<void> => {
    const k = c.transposeA ? c.a[c.a.length - 2]! : c.a[c.a.length - 1]!;
    const want = await onBackend('cpu', () => run(reference));
    blasKernelStats(true);
    const got = run(c);
    const s = blasKernelStats();
    if (path === 'native') expect(s.native > 0 && s.fallback === 0, `computed natively: ${JSON.stringify(s)}`).toBe(true);
    if (path === 'fallback') expect(s.native === 0 && s.fallback > 0, `handed back: ${JSON.stringify(s)}`).toBe(true);
    expectClose(got, want, k);
  };

  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      it(`transposeA=${transposeA} transposeB=${transposeB}: single and batched products, odd shapes`, async () => {
        const shapeA = (batch: number[], m: number, k: number) => [...batch, ...(transposeA ? [k, m] : [m, k])];
        const shapeB = (batch: number[], k: number, n: number) => [...batch, ...(transposeB ? [n, k] : [k, n])];
        await check({ a: shapeA([], 7, 13), b: shapeB([], 13, 5), transposeA, transposeB });
        await check({ a: shapeA([], 1, 1), b: shapeB([], 1, 1), transposeA, transposeB });
        await check({ a: shapeA([3], 17, 9), b: shapeB([3], 9, 11), transposeA, transposeB });
        await check({ a: shapeA([2, 3], 4, 6), b: shapeB([], 6, 5), transposeA, transposeB });
        await check({ a: shapeA([], 4, 6), b: shapeB([3], 6, 5), transposeA, transposeB });
        // tfjs' cpu kernel broadcasts batches only when one side has a single member: tile for its reference.
        const general = { a: shapeA([2, 1], 3, 4), b: shapeB([1, 3], 4, 2), transposeA, transposeB };
        await check(general, { ...general, tile: [[1, 3, 1, 1], [2, 1, 1, 1]] });
        await check({ a: shapeA([], 64, 130), b: shapeB([], 130, 70), transposeA, transposeB });
      });
    }
  }

  const activations: Act[] = ['linear', 'relu', 'relu6', 'leakyrelu', 'elu', 'sigmoid', 'prelu'];
  for (const activation of activations) {
    it(`fused ${activation} with and without bias, every transpose, batched`, async () => {
      for (const [transposeA, transposeB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        const a = transposeA ? [5, 8] : [8, 5];
        const b = transposeB ? [6, 5] : [5, 6];
        const prelu = activation === 'prelu' ? [6] : undefined;
        // Scale inputs up so relu6's upper clip and sigmoid's tails are reached.
        await check({ a, b, transposeA, transposeB, activation, prelu, alpha: 0.3 });
        await check({ a, b, transposeA, transposeB, activation, prelu, bias: [6] });
        await check({ a: [2, ...a], b: [2, ...b], transposeA, transposeB, activation, prelu, bias: [6] });
      }
      const prelu = activation === 'prelu' ? [8, 6] : undefined;
      await check({ a: [8, 5], b: [5, 6], activation, prelu, bias: [8, 1] });
      await check({ a: [8, 5], b: [5, 6], activation, prelu: activation === 'prelu' ? [1] : undefined, bias: [1] });
      await check({ a: [3, 8, 5], b: [5, 6], activation, prelu, bias: [3, 8, 6] });
    });
  }

  it('relu6 reaches both clips (inputs scaled by large k)', async () => {
    await check({ a: [4, 200], b: [200, 9], activation: 'relu6', bias: [9] });
  });

  it('zero-size dimensions, including k = 0 (bias and activation of an empty sum)', async () => {
    // tfjs skips the kernel for empty outputs; the kernels must still give the right shapes if called.
    await check({ a: [0, 4], b: [4, 3] }, undefined, 'none');
    await check({ a: [3, 4], b: [4, 0] }, undefined, 'none');
    await check({ a: [0, 3, 4], b: [0, 4, 2] }, undefined, 'none');
    await check({ a: [3, 0], b: [0, 2] });
    await check({ a: [3, 0], b: [0, 2], bias: [2], activation: 'sigmoid' });
  });

  it('non-finite inputs propagate as on the cpu backend', async () => {
    await check({ a: [4, 5], b: [5, 3], special: [[0, NaN], [7, Infinity], [13, -Infinity]] });
    await check({ a: [4, 5], b: [5, 3], special: [[0, NaN], [7, Infinity]], bias: [3], activation: 'relu' });
    await check({ a: [4, 5], b: [5, 3], special: [[2, -Infinity]], activation: 'elu' });
    await check({ a: [4, 5], b: [5, 3], special: [[2, Infinity], [11, -Infinity]], activation: 'sigmoid' });
  });

  it('gradients through the kernels equal the cpu backend', async () => {
    const grads = () =>
      tf.tidy(() => {
        const a = tf.tensor(values(6 * 7, 5), [6, 7]);
        const w = tf.tensor(values(7 * 4, 6), [7, 4]);
        const bias = tf.tensor(values(4, 7), [4]);
        const g = tf.grads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
          tf.sum(tf.square(tf.fused.matMul({ a: x as tf.Tensor2D, b: y as tf.Tensor2D, bias: z, activation: 'leakyrelu', leakyreluAlpha: 0.1 }))),
        )([a, w, bias]);
        return g.map((t) => ({ shape: t.shape, data: t.dataSync() as Float32Array }));
      });
    const want = await onBackend('cpu', grads);
    blasKernelStats(true);
    const got = grads();
    expect(blasKernelStats().native).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < want.length; i++) expectClose(got[i]!, want[i]!, 7);
  });

  it('keeps tensor counts flat', () => {
    expectNoLeak(() => {
      tf.tidy(() => {
        tf.fused.matMul({ a: tf.ones([3, 4]), b: tf.ones([4, 2]), bias: tf.ones([2]), activation: 'relu' }).dataSync();
      });
    });
  });

  it('hands a bias it cannot stride to the previous kernel', () => {
    // tf.fused.matMul folds the batch to one dimension before the kernel, so a bias over some batch
    // dimensions only ([3, 1, 6] against a [2, 3] batch) reaches the kernel as [3, 1, 6] against [6]:
    // not broadcastable; the previous kernel decides (it rejects it, as tfjs' own does).
    blasKernelStats(true);
    expect(() => run({ a: [2, 3, 4, 5], b: [5, 6], bias: [3, 1, 6], activation: 'relu' })).toThrow(/bias/);
    expect(blasKernelStats()).toEqual({ native: 0, fallback: 1 });
  });

  it('survives heap growth between input offsets and the output allocation', () => {
    // A product whose output is larger than the heap has free: makeOutput grows the Memory.
    const r = tf.tidy(() => tf.sum(tf.matMul(tf.ones([1, 2048]), tf.ones([2048, 1]), true, true)).dataSync()[0]);
    expect(r).toBe(2048 * 2048 * 1);
  });

  it('uninstalls to the previous kernels', async () => {
    const want = await onBackend('cpu', () => run({ a: [5, 6], b: [6, 4] }));
    uninstallBlasKernels();
    try {
      blasKernelStats(true);
      const got = run({ a: [5, 6], b: [6, 4] });
      expect(blasKernelStats().native).toBe(0);
      expectClose(got, want, 6);
    } finally {
      installBlasKernels({ threads: 1 });
    }
  });
});

describe.skipIf(!available.installed || blasDisabledByEnv())('re-registration', () => {
  it('installs again over kernels someone re-registered over ours', async () => {
    await tf.setBackend('wasm');
    installBlasKernels({ threads: 1 });
    const ours = tf.getKernel('BatchMatMul', 'wasm')!;
    // What a reinstalled matMul fix does: unregister and register a wrapper of its own.
    tf.unregisterKernel('BatchMatMul', 'wasm');
    tf.registerKernel({ ...ours, kernelFunc: (args) => ours.kernelFunc(args) });
    expect(isBlasInstalled()).toBe(false);
    installBlasKernels({ threads: 1 });
    expect(isBlasInstalled()).toBe(true);
    blasKernelStats(true);
    tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).dataSync());
    expect(blasKernelStats().native).toBeGreaterThan(0);
  });
});
