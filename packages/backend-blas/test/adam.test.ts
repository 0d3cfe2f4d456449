import * as tf from '@tensorflow/tfjs-core';
import { ADAM_UPDATE, FUSED_ADAM_MAX_SIZE, adamUpdate } from '@ddvi/core';
import { expectNoLeak } from '@ddvi/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blasAvailability, blasDisabledByEnv, installBlasKernels, uninstallBlasKernels } from '../src';

function values(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

const attrs = { beta1: 0.9, beta2: 0.999, stepSize: 1e-3 / (1 - 0.9 ** 3), vCorrection: 1 - 0.999 ** 3, epsilon: 1e-8 };

/** Three updates in a row from seeded w, g, m, v (v >= 0), read back. */
function updates(n: number): Float32Array[] {
  return tf.tidy(() => {
    let w = tf.tensor(values(n, 1), [n]);
    let m = tf.tensor(values(n, 3, 0.1), [n]);
    let v = tf.abs(tf.tensor(values(n, 4, 0.01), [n]));
    for (let step = 0; step < 3; step++) {
      const g = tf.tensor(values(n, 10 + step), [n]);
      [w, m, v] = adamUpdate(w, g, m, v, attrs);
    }
    return [w, m, v].map((t) => t.dataSync() as Float32Array);
  });
}

describe.skipIf(!blasAvailability().installed || blasDisabledByEnv())('native Adam update', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });
  afterAll(() => {
    installBlasKernels();
  });

  it('replaces @ddvi/core kernel on wasm and takes every size', () => {
    const status = installBlasKernels({ threads: 1 });
    expect(status.installed && status.adam).toBe(true);
    expect((tf.getKernel(ADAM_UPDATE, 'wasm') as { anySize?: boolean }).anySize).toBe(true);
  });

  // The native kernel rounds as the path it replaces (core's double-precision loop below
  // FUSED_ADAM_MAX_SIZE, tfjs' float32 ops above), so the results are the same bits, not merely close.
  for (const n of [1, 7, 300, FUSED_ADAM_MAX_SIZE - 1, FUSED_ADAM_MAX_SIZE, 40_003]) {
    it(`gives the same bits as the path it replaces, ${n} elements`, () => {
      installBlasKernels({ threads: 1 });
      const native = updates(n);
      uninstallBlasKernels();
      expect(tf.getKernel(ADAM_UPDATE, 'wasm')).toBeDefined();
      expect((tf.getKernel(ADAM_UPDATE, 'wasm') as { anySize?: boolean }).anySize).toBeUndefined();
      const reference = updates(n);
      installBlasKernels({ threads: 1 });
      for (let i = 0; i < 3; i++) expect(native[i]).toEqual(reference[i]);
    });
  }

  it('handles empty variables and leaks nothing', () => {
    installBlasKernels({ threads: 1 });
    expectNoLeak(() => {
      const shapes = tf.tidy(() => adamUpdate(tf.zeros([0]), tf.zeros([0]), tf.zeros([0]), tf.zeros([0]), attrs).map((t) => t.shape));
      expect(shapes).toEqual([[0], [0], [0]]);
    });
    expectNoLeak(() => {
      tf.tidy(() => adamUpdate(tf.ones([5, 4]), tf.ones([5, 4]), tf.zeros([5, 4]), tf.zeros([5, 4]), attrs)[0].dataSync());
    });
  });

  it('propagates non-finite gradients as the reference does', () => {
    installBlasKernels({ threads: 1 });
    const run = (): Float32Array =>
      tf.tidy(() => {
        const g = tf.tensor([NaN, Infinity, -Infinity, 1, 0]);
        const z = tf.zeros([5]);
        return adamUpdate(tf.ones([5]), g, z, z, attrs)[0].dataSync() as Float32Array;
      });
    const native = run();
    uninstallBlasKernels();
    const reference = run();
    installBlasKernels({ threads: 1 });
    expect(Array.from(native)).toEqual(Array.from(reference));
  });
});
