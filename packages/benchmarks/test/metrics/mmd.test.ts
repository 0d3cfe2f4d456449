import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { mmd, REFERENCE_MMD_SIGMAS } from '../../src';
import { Rng } from './random';

function sample(rng: Rng, n: number, dim: number, shift: number): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: dim }, () => rng.uniform() + shift));
}

describe('mmd (spec §10.3, biased V-statistic)', () => {
  it('is exactly 0 for identical samples', () => {
    const rng = new Rng(20);
    const x = sample(rng, 300, 16, 0);
    expect(mmd({ x, y: x.map((r) => [...r]) })).toBe(0);
    const t = tf.tensor2d(x);
    expect(mmd({ x: t, y: x, chunkEntries: 1000 })).toBe(0);
    t.dispose();
  });

  it('is > 0 for shifted samples and grows with the shift', () => {
    const rng = new Rng(21);
    const x = sample(rng, 400, 8, 0);
    const values = [0.25, 0.5, 1, 2].map((shift) => mmd({ x, y: sample(rng, 300, 8, shift) }));
    expect(values[0]).toBeGreaterThan(0);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]!);
    // Two independent samples of one distribution: far below the smallest shift's value.
    expect(mmd({ x, y: sample(rng, 300, 8, 0) })).toBeLessThan(values[0]! / 2);
  });

  it('matches the closed form on two points, whatever the chunking', () => {
    // x = {0}, y = {1} in 1-D: MMD^2 = k(0,0) + k(1,1) - 2 k(0,1) = 12 - 2 sum_s exp(-1 / (2 s)).
    const k01 = REFERENCE_MMD_SIGMAS.reduce((s, sig) => s + Math.exp(-1 / (2 * sig)), 0);
    expect(mmd({ x: [[0]], y: [[1]] })).toBeCloseTo(Math.sqrt(12 - 2 * k01), 5);
    expect(mmd({ x: [[0]], y: [[1]], sigmas: [0.5] })).toBeCloseTo(Math.sqrt(2 - 2 * Math.exp(-1)), 5);
    const rng = new Rng(22);
    const x = sample(rng, 123, 5, 0);
    const y = sample(rng, 77, 5, 0.3);
    expect(mmd({ x, y, chunkEntries: 500 })).toBeCloseTo(mmd({ x, y }), 6);
  });

  it('leaks no tensors and rejects bad input', () => {
    const before = tf.memory().numTensors;
    mmd({ x: [[0, 1]], y: [[1, 1], [2, 2]] });
    expect(tf.memory().numTensors).toBe(before);
    expect(() => mmd({ x: [[0, 1]], y: [[1, 1, 1]] })).toThrow(/y must be points of dimension 2 \(as x\), got dimension 3/);
    const bad = tf.tensor2d([[0, NaN]]);
    expect(() => mmd({ x: bad, y: [[0, 0]] })).toThrow(/x must be finite numbers/);
    bad.dispose();
    expect(() => mmd({ x: [[0]], y: [[1]], sigmas: [1, -1] })).toThrow(/sigmas must be a finite number > 0, got -1/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
