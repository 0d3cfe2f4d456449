import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeedStream, ValidationError, initBackend } from '@ddvi/core';
import { Dense, LEAKY_RELU_SLOPE } from '../src';

beforeAll(async () => {
  await initBackend();
});

function closeTo(actual: tf.Tensor, expected: tf.Tensor, tol = 1e-5): void {
  const a = actual.dataSync();
  const e = expected.dataSync();
  expect(actual.shape).toEqual(expected.shape);
  let worst = 0;
  for (let i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs(a[i]! - e[i]!));
  expect(worst).toBeLessThanOrEqual(tol);
}

describe('Dense', () => {
  it('has [in, out] weights and [out] bias, and maps [batch, in] to [batch, out]', () => {
    const d = new Dense({ inputSize: 5, outputSize: 3, seed: 1 });
    expect(d.weight.shape).toEqual([5, 3]);
    expect(d.bias.shape).toEqual([3]);
    expect(d.numParameters).toBe(18);
    const y = d.apply(tf.ones([4, 5]));
    expect(y.shape).toEqual([4, 3]);
    tf.dispose(y);
    d.dispose();
  });

  it('initializes like PyTorch nn.Linear: W and b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))', () => {
    const d = new Dense({ inputSize: 400, outputSize: 300, seed: 7 });
    const bound = 1 / Math.sqrt(400);
    for (const v of [d.weight, d.bias]) {
      const x = v.dataSync();
      let min = Infinity;
      let max = -Infinity;
      let sum = 0;
      let sq = 0;
      for (const t of x) {
        min = Math.min(min, t);
        max = Math.max(max, t);
        sum += t;
        sq += t * t;
      }
      expect(min).toBeGreaterThanOrEqual(-bound);
      expect(max).toBeLessThanOrEqual(bound);
      if (x.length > 1000) {
        // uniform: mean 0, variance bound^2 / 3, and it reaches close to both ends
        const mean = sum / x.length;
        expect(Math.abs(mean)).toBeLessThan(bound * 0.01);
        expect(Math.sqrt(sq / x.length - mean * mean)).toBeCloseTo(bound / Math.sqrt(3), 3);
        expect(min).toBeLessThan(-bound * 0.999);
        expect(max).toBeGreaterThan(bound * 0.999);
      }
    }
    d.dispose();
  });

  it('is deterministic under a seed, and different seeds differ', () => {
    const a = new Dense({ inputSize: 6, outputSize: 4, seed: 42 });
    const b = new Dense({ inputSize: 6, outputSize: 4, seed: 42 });
    const c = new Dense({ inputSize: 6, outputSize: 4, seed: 43 });
    expect(Array.from(a.weight.dataSync())).toEqual(Array.from(b.weight.dataSync()));
    expect(Array.from(a.bias.dataSync())).toEqual(Array.from(b.bias.dataSync()));
    expect(Array.from(a.weight.dataSync())).not.toEqual(Array.from(c.weight.dataSync()));
    expect(Array.from(a.bias.dataSync())).not.toEqual(Array.from(c.bias.dataSync()));
    // weight and bias use different draws
    expect(a.weight.dataSync()[0]).not.toBe(a.bias.dataSync()[0]);
    for (const d of [a, b, c]) d.dispose();
  });

  it('takes one draw from a SeedStream and records it in its JSON config', () => {
    const stream = new SeedStream(5);
    const expectedSeed = new SeedStream(5).next();
    const d = new Dense({ inputSize: 3, outputSize: 2, seed: stream, name: 'proj' });
    expect(d.config).toEqual({ inputSize: 3, outputSize: 2, seed: expectedSeed, name: 'proj' });
    expect(JSON.parse(JSON.stringify(d.config))).toEqual(d.config);
    const rebuilt = Dense.fromConfig(d.config);
    expect(Array.from(rebuilt.weight.dataSync())).toEqual(Array.from(d.weight.dataSync()));
    d.dispose();
    rebuilt.dispose();
  });

  it('computes x W + b and each activation', () => {
    const d = new Dense({ inputSize: 4, outputSize: 3, seed: 3 });
    const x = tf.tensor2d([
      [1, -2, 0.5, 3],
      [-1, 0.25, 2, -0.5],
    ]);
    const lin = tf.add(tf.matMul(x, d.weight), d.bias);
    const refs = {
      linear: lin,
      relu: tf.relu(lin),
      leakyRelu: tf.leakyRelu(lin, LEAKY_RELU_SLOPE),
      tanh: tf.tanh(lin),
      sigmoid: tf.sigmoid(lin),
    } as const;
    for (const [act, ref] of Object.entries(refs)) {
      const y = d.apply(x, act as keyof typeof refs);
      closeTo(y, ref);
      y.dispose();
    }
    tf.dispose([x, ...Object.values(refs)]);
    d.dispose();
  });

  it('validates its arguments and input', () => {
    expect(() => new Dense({ inputSize: 0, outputSize: 3, seed: 1 })).toThrow(new ValidationError('Dense: inputSize must be an integer >= 1, got 0'));
    expect(() => new Dense({ inputSize: 2, outputSize: 1.5, seed: 1, name: 'proj' })).toThrow('proj: outputSize must be an integer >= 1, got 1.5');
    expect(() => new Dense({ inputSize: 2, outputSize: 2, seed: -1 })).toThrow('Dense: seed must be an integer in [0, 2^32) or a SeedStream, got -1');
    const d = new Dense({ inputSize: 4, outputSize: 2, seed: 1, name: 'proj' });
    const bad = tf.zeros([3, 5]);
    expect(() => d.apply(bad)).toThrow(ValidationError);
    expect(() => d.apply(bad)).toThrow('proj: x must have shape [batch, 4], got [3, 5]');
    expect(() => d.apply(tf.zeros([4]))).toThrow('proj: x must have shape [batch, 4], got [4]');
    expect(() => d.apply(tf.zeros([2, 4]), 'gelu' as never)).toThrow('proj: activation must be one of linear, relu, leakyRelu, tanh, sigmoid, got "gelu"');
    d.dispose();
    expect(d.isDisposed).toBe(true);
    expect(() => d.apply(tf.zeros([2, 4]))).toThrow('proj: used after dispose()');
    d.dispose(); // idempotent
    bad.dispose();
  });

  it('disposes its variables', () => {
    const before = tf.memory().numTensors;
    const d = new Dense({ inputSize: 8, outputSize: 8, seed: 1 });
    expect(tf.memory().numTensors).toBe(before + 2);
    d.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
