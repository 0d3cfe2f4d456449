import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, installMatMulFix, isMatMulFixInstalled, matMulFixStats, uninstallMatMulFix } from '../src';
import type { MatMulFixOptions } from '../src';

// The wasm matMul fix (src/backend/matmul_fix.ts) against tfjs' own kernels: the original wasm
// kernels (fix uninstalled) and the cpu backend, forward and gradients, on random inputs.

const TOL = 1e-5;
const FLAGS: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];

type Mode = 'cpu' | 'wasm-original' | 'wasm-fixed';

beforeAll(async () => {
  await initBackend('cpu');
  await initBackend('wasm');
});

afterAll(async () => {
  installMatMulFix({}); // back to the defaults
  await initBackend('auto');
});

/** Deterministic values in [-1, 1) (a small LCG), identical on every backend. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function operand(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(values(shape.reduce((a, b) => a * b, 1), seed), shape);
}

/** Runs f under a backend / fix mode and returns the values of its outputs. */
async function under(mode: Mode, f: () => tf.Tensor | tf.Tensor[], options: MatMulFixOptions = { minWork: 0 }): Promise<Float32Array[]> {
  await tf.setBackend(mode === 'cpu' ? 'cpu' : 'wasm');
  if (mode === 'wasm-original') uninstallMatMulFix();
  else if (mode === 'wasm-fixed') installMatMulFix(options);
  try {
    return tf.tidy(() => {
      const out = f();
      return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array);
    });
  } finally {
    installMatMulFix(options);
  }
}

function maxRelErr(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return diff / (scale || 1);
}

function expectClose(actual: Float32Array[], expected: Float32Array[], what: string): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    const err = maxRelErr(a, expected[i]!);
    if (!(err <= TOL)) throw new Error(`${what}[${i}]: relative error ${err} > ${TOL}`);
  });
}

/** Operand shapes for op(A)·op(B) = [m, n] with batch dims. */
function shapes(ta: boolean, tb: boolean, m: number, k: number, n: number, batchA: number[], batchB: number[]): [number[], number[]] {
  return [
    [...batchA, ...(ta ? [k, m] : [m, k])],
    [...batchB, ...(tb ? [n, k] : [k, n])],
  ];
}

const BATCHES: [number[], number[]][] = [
  [[], []],
  [[1], [1]],
  [[3], [3]],
  [[3], []],
  [[1], [3]],
  [[2, 2], [2, 2]],
];

describe('wasm matMul fix', () => {
  it('is installed by initBackend and can be removed and reinstalled', async () => {
    expect(isMatMulFixInstalled()).toBe(true);
    uninstallMatMulFix();
    expect(isMatMulFixInstalled()).toBe(false);
    uninstallMatMulFix(); // idempotent
    expect(installMatMulFix()).toBe(true);
    expect(installMatMulFix()).toBe(true);
    expect(isMatMulFixInstalled()).toBe(true);
  });

  it('gives the original kernels\' and cpu\'s products for all flag combinations, batched and not', async () => {
    for (const [ta, tb] of FLAGS) {
      for (const [batchA, batchB] of BATCHES) {
        const [sa, sb] = shapes(ta, tb, 7, 5, 6, batchA, batchB);
        const f = () => tf.matMul(operand(sa, 1), operand(sb, 2), ta, tb);
        const what = `matMul(${sa}, ${sb}, ${ta}, ${tb})`;
        const cpu = await under('cpu', f);
        expectClose(await under('wasm-original', f), cpu, `${what} original`);
        for (const force of [undefined, 'direct', 'swapped'] as const) {
          expectClose(await under('wasm-fixed', f, { minWork: 0, force }), cpu, `${what} fixed ${force ?? 'auto'}`);
        }
      }
    }
  });

  it('gives the built-in gradients for all flag combinations, batched and not', async () => {
    for (const [ta, tb] of FLAGS) {
      for (const batch of [[], [3]]) {
        const [sa, sb] = shapes(ta, tb, 9, 6, 4, batch, batch);
        const f = () => {
          const a = operand(sa, 3);
          const b = operand(sb, 4);
          const r = operand([...batch, 9, 4], 5); // weights so that every output matters differently
          return tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, ta, tb), r)))([a, b]);
        };
        const what = `grad matMul(${sa}, ${sb}, ${ta}, ${tb})`;
        const cpu = await under('cpu', f);
        expectClose(await under('wasm-original', f), cpu, `${what} original`);
        for (const force of [undefined, 'direct', 'swapped'] as const) {
          expectClose(await under('wasm-fixed', f, { minWork: 0, force }), cpu, `${what} fixed ${force ?? 'auto'}`);
        }
      }
    }
  });

  it('agrees at training sizes with the default options (the paths the fix takes)', async () => {
    const cases: [number[], number[], boolean, boolean][] = [
      [[128, 1000], [1000, 300], false, false], // forward x·W with fresh W
      [[128, 300], [1000, 300], false, true], // dx = dy·Wᵀ
      [[128, 1000], [128, 300], true, false], // dW = xᵀ·dy
      [[300, 128], [1000, 300], true, true],
      [[4, 64, 200], [200, 100], false, false], // batched, folded
      [[4, 64, 200], [4, 100, 200], false, true], // batched, one product per member
    ];
    matMulFixStats(true);
    for (const [sa, sb, ta, tb] of cases) {
      const f = () => tf.matMul(operand(sa, 6), operand(sb, 7), ta, tb);
      expectClose(await under('wasm-fixed', f, {}), await under('cpu', f), `matMul(${sa}, ${sb}, ${ta}, ${tb})`);
    }
    const stats = matMulFixStats();
    expect(stats.swapped).toBeGreaterThan(0);
    expect(stats.direct).toBeGreaterThan(0);
    expect(stats.folded).toBeGreaterThan(0);
    expect(stats.looped).toBeGreaterThan(0);
  });

  it('fixes fused matMul with bias under transpose flags and batches (tfjs 4.22 adds the bias wrongly there)', async () => {
    for (const [ta, tb] of FLAGS) {
      for (const [batchA, batchB] of [
        [[1], [1]],
        [[3], [1]],
        [[3], [3]],
        [[1], [3]],
      ] as [number[], number[]][]) {
        for (const activation of ['linear', 'relu', 'leakyrelu', 'sigmoid'] as const) {
          const [sa, sb] = shapes(ta, tb, 7, 5, 6, batchA, batchB);
          const f = () =>
            tf.fused.matMul({
              a: operand(sa, 8) as tf.Tensor3D,
              b: operand(sb, 9) as tf.Tensor3D,
              bias: operand([6], 10),
              transposeA: ta,
              transposeB: tb,
              activation,
              leakyreluAlpha: 0.2,
            });
          expectClose(await under('wasm-fixed', f, {}), await under('cpu', f), `fused ${activation} ${sa} ${sb} ${ta} ${tb}`);
        }
      }
    }
  });

  it('gives the built-in gradients of fused matMul (the kernel under @ddvi/nn Dense)', async () => {
    for (const [ta, tb] of FLAGS) {
      const [sa, sb] = shapes(ta, tb, 40, 30, 20, [], []);
      const f = () => {
        const r = operand([40, 20], 11);
        return tf.grads((a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor) =>
          tf.sum(tf.mul(tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias, transposeA: ta, transposeB: tb }), r)),
        )([operand(sa, 12), operand(sb, 13), operand([20], 14)]);
      };
      expectClose(await under('wasm-fixed', f, { minWork: 0 }), await under('cpu', f), `grad fused ${ta} ${tb}`);
    }
  });

  it('leaks no tensors and no wasm buffers on any path', async () => {
    await tf.setBackend('wasm');
    const a = operand([2, 30, 40], 15);
    const b = operand([2, 40, 30], 16);
    const w = operand([40, 30], 17);
    const run = () =>
      tf.tidy(() => {
        const outs = [
          tf.matMul(a, b, true, true),
          tf.matMul(a, w),
          tf.matMul(a, b),
          tf.matMul(tf.reshape(a, [60, 40]), w, false, false),
          tf.fused.matMul({ a: a as tf.Tensor3D, b: b as tf.Tensor3D, bias: tf.ones([40]), transposeA: true, transposeB: true }),
          ...tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.matMul(x, y, false, true)))([tf.reshape(a, [60, 40]), tf.transpose(w)]),
        ];
        outs.forEach((t) => t.dataSync());
      });
    for (const force of [undefined, 'direct', 'swapped'] as const) {
      installMatMulFix({ minWork: 0, force });
      run();
      const tensors = tf.memory().numTensors;
      const buffers = tf.backend().numDataIds();
      for (let i = 0; i < 3; i++) run();
      expect(tf.memory().numTensors).toBe(tensors);
      expect(tf.backend().numDataIds()).toBe(buffers);
    }
    installMatMulFix({});
    tf.dispose([a, b, w]);
  });

  // Its speed is a performance claim, measured by `pnpm bench:step` (docs/backends.md), not timed in a test.
});
