import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@ddvi/core';
import { onBackend } from '@ddvi/core/testing';
import { Dense, isDenseFusionEnabled, setDenseFusion } from '../src';

beforeAll(async () => {
  await initBackend();
});

afterEach(() => setDenseFusion(true));

/** Output and gradients of a Dense layer (loss = sum of squares of the output) for one activation. */
function run(activation: 'leakyRelu' | 'relu' | 'sigmoid' | 'tanh' | 'linear') {
  const d = new Dense({ inputSize: 40, outputSize: 30, seed: 5 });
  const x = tf.randomNormal([17, 40], 0, 1, 'float32', 9) as tf.Tensor2D;
  const y = d.apply(x, activation);
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(d.apply(x, activation))) as tf.Scalar, [d.weight, d.bias]);
  const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.square(d.apply(v, activation))))(x);
  const out = { y: Array.from(y.dataSync()), loss: value.dataSync()[0]!, grads: [...Object.values(grads), dx].map((g) => Array.from(g.dataSync())) };
  tf.dispose([x, y, value, dx, ...Object.values(grads)]);
  d.dispose();
  return out;
}

describe('setDenseFusion', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`is on by default and gives the same outputs and gradients (weight, bias, input) off as on (1e-5 relative) on ${backend}`, () =>
      onBackend(backend, () => {
        expect(isDenseFusionEnabled()).toBe(true);
        const n0 = tf.memory().numTensors;
        for (const activation of ['leakyRelu', 'relu', 'sigmoid', 'tanh', 'linear'] as const) {
          const fused = run(activation);
          setDenseFusion(false);
          const plain = run(activation);
          setDenseFusion(true);
          expect(Math.abs(plain.loss - fused.loss)).toBeLessThanOrEqual(1e-5 * Math.abs(fused.loss));
          expect(fused.grads.map((g) => g.length)).toEqual([30 * 40, 30, 17 * 40]);
          const flat = (o: typeof fused) => [...o.y, ...o.grads.flat()];
          const [a, b] = [flat(plain), flat(fused)];
          const scale = Math.max(...b.map(Math.abs));
          expect(Math.max(...a.map((v, i) => Math.abs(v - b[i]!))), activation).toBeLessThanOrEqual(1e-5 * scale);
        }
        expect(tf.memory().numTensors).toBe(n0);
      }));
  }

  it('rejects a non-boolean', () => {
    expect(() => setDenseFusion('no' as unknown as boolean)).toThrow(/enabled must be true or false/);
  });
});
