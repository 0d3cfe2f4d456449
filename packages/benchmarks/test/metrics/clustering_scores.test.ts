import { ValidationError } from '@ddvi/core';
import { describe, expect, it } from 'vitest';
import { clusteringError, completeness, homogeneity, homogeneityCompleteness, nmi, purity, vMeasure } from '../../src';
import { randomLabels, Rng } from './random';

describe('nmi (arithmetic normalisation)', () => {
  it('is 1 for identical labelings and under any renaming of the labels', () => {
    const rng = new Rng(1);
    const a = randomLabels(rng, 500, 7);
    expect(nmi(a, a)).toBeCloseTo(1, 12);
    const perm = [3, 6, 0, 5, 1, 4, 2];
    expect(nmi(a, a.map((v) => perm[v]! + 100))).toBeCloseTo(1, 12);
    expect(nmi([0, 0, 1, 1], [1, 1, 0, 0])).toBe(1);
  });

  it('is about 0 for independent labelings', () => {
    const rng = new Rng(2);
    const v = nmi(randomLabels(rng, 5000, 5), randomLabels(rng, 5000, 5));
    // Finite-sample bias of MI is about (K-1)^2 / (2n) nats = 0.0016; normalised by ln 5 ~ 1.6.
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThan(0.005);
  });

  it('matches hand-computed and sklearn-documented values', () => {
    // MI = ln 2, H(true) = 1.5 ln 2, H(pred) = ln 2: NMI = ln 2 / (1.25 ln 2).
    expect(nmi([0, 0, 1, 2], [0, 0, 1, 1])).toBeCloseTo(0.8, 12);
    expect(nmi([0, 0, 0, 0], [0, 1, 2, 3])).toBe(0); // sklearn docstring
    expect(nmi([5, 5, 5], [2, 2, 2])).toBe(1); // both a single cluster: a perfect match, as sklearn
    expect(nmi([0, 1, 0, 1], [0, 0, 1, 1])).toBe(0);
  });

  it('is symmetric', () => {
    const rng = new Rng(3);
    const a = randomLabels(rng, 300, 4);
    const b = a.map((v, i) => (i % 5 === 0 ? rng.int(6) : v));
    expect(nmi(a, b)).toBeCloseTo(nmi(b, a), 12);
    expect(nmi(a, b)).toBeGreaterThan(0.3);
    expect(nmi(a, b)).toBeLessThan(1);
  });
});

describe('homogeneity, completeness, V-measure', () => {
  it('match the sklearn docstring examples', () => {
    expect(homogeneity([0, 0, 1, 1], [1, 1, 0, 0])).toBe(1);
    expect(homogeneity([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(1, 12);
    expect(homogeneity([0, 0, 1, 1], [0, 1, 2, 3])).toBeCloseTo(1, 12);
    expect(homogeneity([0, 0, 1, 1], [0, 1, 0, 1])).toBe(0);
    expect(homogeneity([0, 0, 1, 1], [0, 0, 0, 0])).toBe(0);

    expect(completeness([0, 0, 1, 1], [1, 1, 0, 0])).toBe(1);
    expect(completeness([0, 0, 1, 1], [0, 0, 0, 0])).toBe(1);
    expect(completeness([0, 1, 2, 3], [0, 0, 1, 1])).toBeCloseTo(1, 12);
    expect(completeness([0, 0, 1, 1], [0, 1, 0, 1])).toBe(0);
    expect(completeness([0, 0, 0, 0], [0, 1, 2, 3])).toBe(0);

    expect(vMeasure([0, 0, 1, 2], [0, 0, 1, 1])).toBeCloseTo(0.8, 12);
    expect(vMeasure([0, 1, 2, 3], [0, 0, 1, 1])).toBeCloseTo(2 / 3, 12);
    expect(vMeasure([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(0.8, 12);
    expect(vMeasure([0, 0, 1, 1], [0, 1, 2, 3])).toBeCloseTo(2 / 3, 12);
    expect(vMeasure([0, 0, 0, 0], [0, 1, 2, 3])).toBe(0);
    expect(vMeasure([0, 0, 1, 1], [0, 0, 0, 0])).toBe(0);
  });

  it('computes a hand-worked uneven case and beta weighting', () => {
    // classes [0,0,0,1,1,1], clusters [0,0,1,1,2,2]: H(C) = ln 2, H(K) = ln 3,
    // H(C|K) = (1/3) ln 2 (cluster 1 is the only mixed one, 1/3 of the points), MI = (2/3) ln 2.
    const r = homogeneityCompleteness([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]);
    expect(r.homogeneity).toBeCloseTo(2 / 3, 12);
    expect(r.completeness).toBeCloseTo((2 * Math.LN2) / 3 / Math.log(3), 12);
    expect(r.vMeasure).toBeCloseTo((2 * r.homogeneity * r.completeness) / (r.homogeneity + r.completeness), 12);
    const b2 = vMeasure([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2], 2);
    expect(b2).toBeCloseTo((3 * r.homogeneity * r.completeness) / (2 * r.homogeneity + r.completeness), 12);
  });
});

describe('purity and clustering error', () => {
  it('purity: majority label per cluster over n', () => {
    expect(purity([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 1, 1])).toBeCloseTo(4 / 6, 12);
    expect(purity([0, 1, 2, 3], [0, 1, 2, 3])).toBe(1);
    expect(purity([0, 1, 2, 3], [7, 7, 7, 7])).toBe(0.25);
    // Not penalised by many clusters (the reason NMI is reported beside it).
    expect(purity([0, 0, 1, 1], [0, 1, 2, 3])).toBe(1);
  });

  it('clustering error with majority labels is 1 - purity', () => {
    const rng = new Rng(4);
    const t = randomLabels(rng, 400, 5);
    const c = t.map((v, i) => (i % 3 === 0 ? rng.int(8) : v + 10));
    expect(clusteringError({ labelsTrue: t, clusters: c })).toBeCloseTo(1 - purity(t, c), 12);
    expect(clusteringError({ labelsTrue: [0, 0, 1, 1], clusters: [0, 0, 1, 1] })).toBe(0);
  });

  it('clustering error with confidences labels each cluster by its most confident member', () => {
    // Cluster 0 holds labels [0, 1, 1]; its most confident member (0.9) has label 0, so the two 1s are errors
    // (majority labelling would give one error). Cluster 5 holds [2, 2]: no error.
    const labelsTrue = [0, 1, 1, 2, 2];
    const clusters = [0, 0, 0, 5, 5];
    expect(clusteringError({ labelsTrue, clusters, confidence: [0.9, 0.1, 0.2, 0.5, 0.5] })).toBeCloseTo(2 / 5, 12);
    expect(clusteringError({ labelsTrue, clusters })).toBeCloseTo(1 / 5, 12);
  });

  it('rejects bad labelings with errors naming the parameter', () => {
    expect(() => nmi([0, 1, 2], [0, 1])).toThrow(/labelsPred must be one label per point \(3\), got length 2/);
    expect(() => nmi([], [])).toThrow(ValidationError);
    expect(() => purity([0, 1.5], [0, 1])).toThrow(/labelsTrue must be integers, got 1.5 at index 1/);
    expect(() => homogeneity([0, NaN], [0, 1])).toThrow(/labelsTrue must be integers/);
    expect(() => clusteringError({ labelsTrue: [0, 1], clusters: [0, 1], confidence: [1] })).toThrow(/confidence must be one value per point/);
    expect(() => clusteringError({ labelsTrue: [0, 1], clusters: [0, 1], confidence: [1, Infinity] })).toThrow(/confidence must be finite/);
    expect(() => vMeasure([0, 1], [0, 1], 0)).toThrow(/beta/);
  });
});
