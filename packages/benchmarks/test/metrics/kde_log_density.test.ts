import * as tf from '@tensorflow/tfjs-core';
import { KdePrior, REFERENCE_KDE_BANDWIDTHS } from '@ddvi/distributions';
import { describe, expect, it } from 'vitest';
import { kdeLogDensity } from '../../src/metrics/kde_log_density';
import { Rng } from './random';

/** The full sum over every point, float64, no pruning: what kdeLogDensity must equal. */
function fullSum(points: Float64Array, queries: Float64Array, bandwidths: readonly number[]): Float64Array {
  const n = points.length / 2;
  return Float64Array.from({ length: queries.length / 2 }, (_, q) => {
    const perH = bandwidths.map((h) => {
      const terms = Array.from({ length: n }, (_, i) => -((points[2 * i]! - queries[2 * q]!) ** 2 + (points[2 * i + 1]! - queries[2 * q + 1]!) ** 2) / (2 * h * h));
      const max = Math.max(...terms);
      return max + Math.log(terms.reduce((s, t) => s + Math.exp(t - max), 0)) - Math.log(2 * Math.PI) - 2 * Math.log(h) - Math.log(n);
    });
    const max = Math.max(...perH);
    return max + Math.log(perH.reduce((s, t) => s + Math.exp(t - max), 0)) - Math.log(bandwidths.length);
  });
}

const pts = (data: Float64Array) => ({ data, n: data.length / 2, dim: 2 });
const cloud = (rng: Rng, n: number, cx: number, cy: number, spread: number) =>
  Float64Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? cx : cy) + spread * rng.normal());

describe('kdeLogDensity', () => {
  const rng = new Rng(7);
  const cases: [string, Float64Array, Float64Array, readonly number[]][] = [
    ['queries among the points (the spec\'s bandwidths)', cloud(rng, 1500, 0, 0, 0.6), cloud(rng, 300, 0, 0, 0.7), REFERENCE_KDE_BANDWIDTHS],
    ['points in a tight blob far from every query (a flow\'s latents off the prior)', cloud(rng, 800, 3, -2, 0.05), cloud(rng, 200, 0, 0, 0.5), REFERENCE_KDE_BANDWIDTHS],
    ['outliers that stretch the grid to its cap', Float64Array.from([...cloud(rng, 600, 0, 0, 0.3), 400, -250, -300, 90]), cloud(rng, 200, 0, 0, 0.5), REFERENCE_KDE_BANDWIDTHS],
    ['run.py\'s wide bandwidths', cloud(rng, 700, 0, 0, 1), cloud(rng, 200, 0.5, 0, 1.5), [0.05, 0.1, 0.3, 0.5, 0.8]],
    ['one point; duplicated points; queries exactly on them', Float64Array.from([0.2, 0.1, 0.2, 0.1, 0.2, 0.1, -1, 1]), Float64Array.from([0.2, 0.1, -1, 1, 5, 5, -7, 0.1]), [0.005, 0.05]],
  ];
  for (const [name, points, queries, bandwidths] of cases) {
    it(`equals the full float64 sum to 1e-10 nats: ${name}`, () => {
      const got = kdeLogDensity(pts(points), pts(queries), bandwidths);
      const want = fullSum(points, queries, bandwidths);
      for (let q = 0; q < want.length; q++) expect(Math.abs(got[q]! - want[q]!), `query ${q}: ${got[q]} against ${want[q]}`).toBeLessThan(1e-10 * Math.max(1, Math.abs(want[q]!)));
    });
  }

  it("agrees with KdePrior's float32 density (no clamp) to float32's rounding", () => {
    const points = cloud(rng, 1000, 0, 0, 0.5);
    const queries = cloud(rng, 100, 0, 0, 0.6);
    const kde = new KdePrior(tf.tensor2d(Float32Array.from(points), [1000, 2]), { clamp: null });
    const ref = tf.tidy(() => kde.logProb(tf.tensor2d(Float32Array.from(queries), [100, 2])).dataSync());
    kde.dispose();
    const got = kdeLogDensity(pts(Float64Array.from(Float32Array.from(points))), pts(Float64Array.from(Float32Array.from(queries))), REFERENCE_KDE_BANDWIDTHS);
    for (let q = 0; q < 100; q++) expect(Math.abs(got[q]! - ref[q]!)).toBeLessThan(2e-3 * Math.max(1, Math.abs(ref[q]!)));
  });
});
