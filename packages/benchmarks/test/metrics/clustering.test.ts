import { DdviError } from '@ddvi/core';
import { describe, expect, it } from 'vitest';
import { gaussianMixture, gaussianMixtureLogLikelihood, kMeans, nmi } from '../../src';
import { blobs, Rng } from './random';

const CENTERS = [
  [0, 0],
  [6, 0],
  [0, 6],
  [6, 6],
  [3, 12],
];

/** Bivariate normal log-density written out (det and inverse of a 2x2 by hand). */
function logNormal2(x: number, y: number, m: number[], c: number[]): number {
  const [a, b, , d] = c as [number, number, number, number];
  const det = a * d - b * b;
  const dx = x - m[0]!;
  const dy = y - m[1]!;
  const q = (d * dx * dx - 2 * b * dx * dy + a * dy * dy) / det;
  return -Math.log(2 * Math.PI) - 0.5 * Math.log(det) - 0.5 * q;
}

describe('kMeans', () => {
  it('recovers well-separated blobs (NMI > 0.99) and reports a consistent inertia', () => {
    const rng = new Rng(40);
    const { x, y } = blobs(rng, 1000, CENTERS, 0.6);
    const r = kMeans(x, { k: 5, nInit: 3, seed: 1 });
    expect(nmi(y, r.labels)).toBeGreaterThan(0.99);
    expect(r.converged).toBe(true);
    let inertia = 0;
    x.forEach((p, i) => {
      const c = r.labels[i]!;
      inertia += (p[0]! - r.centers[c * 2]!) ** 2 + (p[1]! - r.centers[c * 2 + 1]!) ** 2;
    });
    expect(r.inertia).toBeCloseTo(inertia, 8);
  });

  it('is a function of its seed; more restarts never do worse', () => {
    const rng = new Rng(41);
    const { x } = blobs(rng, 500, CENTERS, 3);
    const a = kMeans(x, { k: 8, seed: 3 });
    const b = kMeans(x, { k: 8, seed: 3 });
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(kMeans(x, { k: 8, seed: 3, nInit: 5 }).inertia).toBeLessThanOrEqual(a.inertia);
  });

  it('rejects k > n and empty input', () => {
    expect(() => kMeans([[0, 0], [1, 1]], { k: 3 })).toThrow(/k must be at most the number of points \(2\), got 3/);
    expect(() => kMeans([], { k: 1 })).toThrow(/x must be/);
  });
});

describe('gaussianMixture (full covariance, EM)', () => {
  it('recovers well-separated blobs (NMI > 0.99)', () => {
    const rng = new Rng(42);
    const { x, y } = blobs(rng, 1000, CENTERS, 0.6);
    const r = gaussianMixture(x, { nComponents: 5, nInit: 3, regCovar: 1e-2, seed: 2 });
    expect(nmi(y, r.labels)).toBeGreaterThan(0.99);
    expect(r.converged).toBe(true);
  });

  it('fits a known correlated mixture: parameters, and a lower bound equal to its closed-form log-likelihood', () => {
    const rng = new Rng(43);
    const truth = {
      weights: [0.3, 0.7],
      means: [
        [-4, 1],
        [3, -2],
      ],
      covs: [
        [1, 0.6, 0.6, 0.8],
        [0.5, -0.3, -0.3, 2],
      ],
    };
    const x: number[][] = [];
    for (let i = 0; i < 20000; i++) {
      const k = rng.uniform() < 0.3 ? 0 : 1;
      const [a, b, , d] = truth.covs[k] as [number, number, number, number];
      // Cholesky of [[a, b], [b, d]].
      const l11 = Math.sqrt(a);
      const l21 = b / l11;
      const l22 = Math.sqrt(d - l21 * l21);
      const u = rng.normal();
      const v = rng.normal();
      x.push([truth.means[k]![0]! + l11 * u, truth.means[k]![1]! + l21 * u + l22 * v]);
    }
    const closedForm =
      x.reduce((s, [px, py]) => {
        const l0 = Math.log(0.3) + logNormal2(px!, py!, truth.means[0]!, truth.covs[0]!);
        const l1 = Math.log(0.7) + logNormal2(px!, py!, truth.means[1]!, truth.covs[1]!);
        const m = Math.max(l0, l1);
        return s + m + Math.log(Math.exp(l0 - m) + Math.exp(l1 - m));
      }, 0) / x.length;

    const trueModel = {
      dim: 2,
      weights: Float64Array.from(truth.weights),
      means: Float64Array.from(truth.means.flat()),
      covariances: Float64Array.from(truth.covs.flat()),
    };
    expect(gaussianMixtureLogLikelihood(trueModel, x)).toBeCloseTo(closedForm, 10);

    const fit = gaussianMixture(x, { nComponents: 2, nInit: 2, regCovar: 1e-6, seed: 0, tol: 1e-6 });
    // The maximum-likelihood fit beats the truth on its own data by O(parameters / n) only.
    expect(fit.lowerBound).toBeGreaterThanOrEqual(closedForm - 1e-4);
    expect(fit.lowerBound - closedForm).toBeLessThan(2e-3);
    expect(gaussianMixtureLogLikelihood(fit, x)).toBeCloseTo(fit.lowerBound, 5);
    const small = fit.weights[0]! < fit.weights[1]! ? 0 : 1;
    expect(fit.weights[small]).toBeCloseTo(0.3, 1);
    expect(fit.means[small * 2]).toBeCloseTo(-4, 1);
    expect(fit.covariances[small * 4 + 1]).toBeCloseTo(0.6, 1);
  });

  it('is a function of its seed, and says when a component collapses', () => {
    const rng = new Rng(44);
    const { x } = blobs(rng, 600, CENTERS, 1);
    const a = gaussianMixture(x, { nComponents: 7, nInit: 2, seed: 9 });
    const b = gaussianMixture(x, { nComponents: 7, nInit: 2, seed: 9 });
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(b.lowerBound).toBe(a.lowerBound);
    // Three identical points in one cluster: a zero covariance without regularisation.
    const dup = [[0, 0], [0, 0], [0, 0], [10, 10], [10, 11], [11, 10]];
    expect(() => gaussianMixture(dup, { nComponents: 2, regCovar: 0 })).toThrow(DdviError);
    expect(() => gaussianMixture(dup, { nComponents: 2, regCovar: 0 })).toThrow(/increase regCovar/);
    expect(() => gaussianMixture(dup, { nComponents: 7 })).toThrow(/nComponents must be at most the number of points \(6\), got 7/);
  });
});
