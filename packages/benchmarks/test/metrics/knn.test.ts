import * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from '@ddvi/core';
import { describe, expect, it } from 'vitest';
import { knnAccuracy, knnAccuracySameSet } from '../../src';
import { blobs, randomLabels, Rng } from './random';

const CENTERS = [
  [0, 0],
  [10, 0],
  [0, 10],
  [10, 10],
];

/** Reference kNN by sorting all distances (ties: lower index; vote ties: smaller label). */
function naiveKnnPredict(trainX: number[][], trainY: number[], query: number[], k: number): number {
  const order = trainX
    .map((p, i) => ({ i, d: p.reduce((s, v, j) => s + (v - query[j]!) ** 2, 0) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .slice(0, k);
  const votes = new Map<number, number>();
  for (const { i } of order) votes.set(trainY[i]!, (votes.get(trainY[i]!) ?? 0) + 1);
  return [...votes].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
}

describe('knnAccuracy', () => {
  it('is 1 on perfectly separated clusters', () => {
    const rng = new Rng(10);
    const train = blobs(rng, 800, CENTERS, 0.5);
    const test = blobs(rng, 200, CENTERS, 0.5);
    expect(knnAccuracy({ trainX: train.x, trainY: train.y, testX: test.x, testY: test.y, k: 20 })).toBe(1);
  });

  it('is about chance with labels independent of the points', () => {
    const rng = new Rng(11);
    const train = blobs(rng, 3000, CENTERS, 3);
    const test = blobs(rng, 2000, CENTERS, 3);
    const acc = knnAccuracy({ trainX: train.x, trainY: randomLabels(rng, 3000, 10), testX: test.x, testY: randomLabels(rng, 2000, 10), k: 20 });
    // Chance is 0.1; the sd of an accuracy over 2000 test points is ~0.007.
    expect(acc).toBeGreaterThan(0.07);
    expect(acc).toBeLessThan(0.13);
  });

  it('agrees with a sort-everything reference on random data in 2 and 5 dimensions', () => {
    for (const dim of [2, 5]) {
      const rng = new Rng(12 + dim);
      const trainX = Array.from({ length: 300 }, () => Array.from({ length: dim }, () => rng.normal()));
      // Rounded coordinates create exact distance ties, which exercise the tie rules.
      const rounded = trainX.map((p) => p.map((v) => Math.round(v * 2) / 2));
      const trainY = randomLabels(rng, 300, 3);
      const testX = Array.from({ length: 100 }, () => Array.from({ length: dim }, () => Math.round(rng.normal() * 2) / 2));
      for (const k of [1, 4, 7]) {
        const expected = testX.map((q) => naiveKnnPredict(rounded, trainY, q, k));
        // Score against the reference's predictions: accuracy 1 iff every prediction agrees.
        expect(knnAccuracy({ trainX: rounded, trainY, testX, testY: expected, k }), `dim ${dim}, k ${k}`).toBe(1);
      }
    }
  });

  it('breaks ties deterministically: lower train index among equidistant points, smaller label in a tied vote', () => {
    // Query at 0; train points at -1 (label 5) and +1 (label 3): a 1-1 vote for k = 2 goes to label 3.
    expect(knnAccuracy({ trainX: [[-1], [1]], trainY: [5, 3], testX: [[0]], testY: [3], k: 2 })).toBe(1);
    // k = 1 with both at distance 1: the lower index (label 5) is the nearest.
    expect(knnAccuracy({ trainX: [[-1], [1]], trainY: [5, 3], testX: [[0]], testY: [5], k: 1 })).toBe(1);
  });

  it('accepts { data, dim } and tensors, as core Latents and tfjs give them', () => {
    const rng = new Rng(13);
    const train = blobs(rng, 200, CENTERS, 0.5);
    const test = blobs(rng, 40, CENTERS, 0.5);
    const flat = { data: Float32Array.from(train.x.flat()), dim: 2 };
    const t = tf.tensor2d(test.x);
    expect(knnAccuracy({ trainX: flat, trainY: Int32Array.from(train.y), testX: t, testY: test.y, k: 5 })).toBe(1);
    t.dispose();
  });

  it('rejects bad input naming the parameter and the expected shape', () => {
    const ok = { trainX: [[0, 0], [1, 1]], trainY: [0, 1], testX: [[0, 0]], testY: [0], k: 1 };
    expect(() => knnAccuracy({ ...ok, k: 3 })).toThrow(/k must be at most the number of reference points \(2 in trainX\), got 3/);
    expect(() => knnAccuracy({ ...ok, k: 0 })).toThrow(/k must be an integer >= 1/);
    expect(() => knnAccuracy({ ...ok, trainY: [0] })).toThrow(/trainY must be one label per point \(2\), got length 1/);
    expect(() => knnAccuracy({ ...ok, testX: [[0, 0, 0]] })).toThrow(/testX must be points of dimension 2 \(as trainX\), got dimension 3/);
    expect(() => knnAccuracy({ ...ok, trainX: [] })).toThrow(ValidationError);
    expect(() => knnAccuracy({ ...ok, trainX: [[0, 0], [1]] })).toThrow(/trainX must be rows of one length \(2, as row 0\), got row 1 of length 1/);
    expect(() => knnAccuracy({ ...ok, testX: [[0, NaN]] })).toThrow(/testX must be finite numbers, got NaN at point 0, coordinate 1/);
    expect(() => knnAccuracy({ ...ok, trainX: { data: new Float32Array(5), dim: 2 } })).toThrow(/trainX.data must be a multiple of dim = 2 long/);
  });
});

describe('knnAccuracySameSet', () => {
  it('counts each point in its own vote, as the reference (k = 1 is always 1)', () => {
    const rng = new Rng(14);
    const { x } = blobs(rng, 300, CENTERS, 3);
    const y = randomLabels(rng, 300, 4);
    expect(knnAccuracySameSet({ x, y, k: 1 })).toBe(1);
    // Leave-one-out with random labels is near chance instead.
    const loo = knnAccuracySameSet({ x, y, k: 1, excludeSelf: true });
    expect(loo).toBeLessThan(0.4);
  });

  it('equals knnAccuracy with the set as both train and test; leave-one-out is 1 on separated clusters', () => {
    const rng = new Rng(15);
    const { x, y } = blobs(rng, 400, CENTERS, 2.5);
    const labels = y.map((v, i) => (i % 7 === 0 ? (v + 1) % 4 : v));
    for (const k of [20, 50, 100]) {
      expect(knnAccuracySameSet({ x, y: labels, k })).toBe(knnAccuracy({ trainX: x, trainY: labels, testX: x, testY: labels, k }));
    }
    const clean = blobs(rng, 400, CENTERS, 0.5);
    expect(knnAccuracySameSet({ x: clean.x, y: clean.y, k: 20, excludeSelf: true })).toBe(1);
    expect(() => knnAccuracySameSet({ x: [[0], [1]], y: [0, 1], k: 2, excludeSelf: true })).toThrow(/k must be at most the number of reference points \(1 in x less the point itself\)/);
  });
});
