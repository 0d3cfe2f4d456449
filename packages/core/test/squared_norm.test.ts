import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { squaredNorm } from '../src/ops';
import { onBackend } from '../src/testing';

// squaredNorm (src/ops.ts): the gradient guard's and clipNorm's sum of squares, as products.

const values = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 1.3) * (1 + (i % 5)));

describe('squaredNorm', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`is sum |t|^2 over every tensor (float64 reference, relative 1e-5: float32 sums of 300,000 terms) and 0 for none, on ${backend}`, () =>
      onBackend(backend, () => {
        const shapes = [[], [7], [3, 4], [2, 3, 5], [0, 4], [1000, 300]];
        const data = shapes.map((s, i) => values(s.reduce((a, b) => a * b, 1), i + 1));
        const ts = shapes.map((s, i) => tf.tensor(data[i]!, s));
        const exact = data.flat().reduce((a, v) => a + v * v, 0);
        const n0 = tf.memory().numTensors;
        const got = squaredNorm(ts);
        expect(Math.abs(got.dataSync()[0]! - exact) / exact).toBeLessThan(1e-5);
        got.dispose();
        expect(tf.memory().numTensors).toBe(n0);
        const none = squaredNorm([]);
        expect(none.dataSync()[0]).toBe(0);
        none.dispose();
        tf.dispose(ts);
      }));

    it(`is not finite when any element is not (NaN, +Inf, -Inf), on ${backend}`, () =>
      onBackend(backend, () => {
        for (const bad of [NaN, Infinity, -Infinity]) {
          const ok = tf.tensor2d(values(6, 3), [2, 3]);
          const broken = tf.tensor1d([1, bad, 2]);
          const n = squaredNorm([ok, broken]);
          expect(Number.isFinite(n.dataSync()[0])).toBe(false);
          tf.dispose([ok, broken, n]);
        }
      }));
  }
});
