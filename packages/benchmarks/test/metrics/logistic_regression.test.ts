import { describe, expect, it } from 'vitest';
import { fitLogisticRegression, logisticRegressionAccuracy, predictLogisticRegression } from '../../src';
import { blobs, randomLabels, Rng } from './random';

describe('logisticRegressionAccuracy', () => {
  it('is ~1 on linearly separable 2-D data', () => {
    const rng = new Rng(30);
    // Two half-planes split by x + y = 0, with a margin.
    const make = (n: number) => {
      const x: number[][] = [];
      const y: number[] = [];
      for (let i = 0; i < n; i++) {
        const a = rng.normal() * 3;
        const side = i % 2 === 0 ? 1 : -1;
        const b = side * (0.5 + rng.uniform() * 3);
        x.push([a + b, -a + b]); // distance from the line is |b| * sqrt(2) >= 0.7
        y.push(side > 0 ? 7 : -2);
      }
      return { x, y };
    };
    const train = make(1000);
    const test = make(500);
    expect(logisticRegressionAccuracy({ trainX: train.x, trainY: train.y, testX: test.x, testY: test.y })).toBeGreaterThanOrEqual(0.99);
  });

  it('separates several well-apart classes and is about chance on random labels', () => {
    const rng = new Rng(31);
    const centers = [
      [0, 0],
      [8, 0],
      [0, 8],
    ];
    const train = blobs(rng, 600, centers, 1);
    const test = blobs(rng, 300, centers, 1);
    expect(logisticRegressionAccuracy({ trainX: train.x, trainY: train.y, testX: test.x, testY: test.y })).toBeGreaterThan(0.99);
    const chance = logisticRegressionAccuracy({ trainX: train.x, trainY: randomLabels(rng, 600, 4), testX: test.x, testY: randomLabels(rng, 300, 4) });
    expect(chance).toBeLessThan(0.4);
  });

  it('reaches the optimum: zero gradient of the penalised softmax loss, and is deterministic', () => {
    const rng = new Rng(32);
    const { x, y } = blobs(rng, 300, [[0, 0], [2, 1], [1, 3]], 1.5);
    const model = fitLogisticRegression(x, y, { c: 0.5 });
    expect(model.converged).toBe(true);
    // Gradient of C * sum CE + |W|^2 / 2 at the fitted parameters, recomputed here.
    const K = 3;
    const gW = new Float64Array(K * 2);
    const gB = new Float64Array(K);
    for (let i = 0; i < x.length; i++) {
      const s = [0, 1, 2].map((c) => model.intercepts[c]! + model.weights[c * 2]! * x[i]![0]! + model.weights[c * 2 + 1]! * x[i]![1]!);
      const m = Math.max(...s);
      const e = s.map((v) => Math.exp(v - m));
      const z = e.reduce((a, b) => a + b, 0);
      for (let c = 0; c < K; c++) {
        const r = e[c]! / z - (y[i] === c ? 1 : 0);
        gW[c * 2]! += 0.5 * r * x[i]![0]!;
        gW[c * 2 + 1]! += 0.5 * r * x[i]![1]!;
        gB[c]! += 0.5 * r;
      }
    }
    for (let j = 0; j < K * 2; j++) expect(Math.abs(gW[j]! + model.weights[j]!)).toBeLessThan(1e-3);
    for (let c = 0; c < K; c++) expect(Math.abs(gB[c]!)).toBeLessThan(1e-3);
    const again = fitLogisticRegression(x, y, { c: 0.5 });
    expect(Array.from(again.weights)).toEqual(Array.from(model.weights));
    expect(Array.from(predictLogisticRegression(model, [[0, 0], [2, 1], [1, 3]]))).toEqual([0, 1, 2]);
  });

  it('rejects bad input', () => {
    const ok = { trainX: [[0, 0], [1, 1]], trainY: [0, 1], testX: [[0, 0]], testY: [0] };
    expect(() => logisticRegressionAccuracy({ ...ok, testY: [0, 1] })).toThrow(/testY must be one label per point \(1\), got length 2/);
    expect(() => logisticRegressionAccuracy({ ...ok, c: 0 })).toThrow(/c must be a finite number > 0/);
    expect(() => logisticRegressionAccuracy({ ...ok, testX: [[0]] })).toThrow(/testX must be points of dimension 2/);
  });
});
