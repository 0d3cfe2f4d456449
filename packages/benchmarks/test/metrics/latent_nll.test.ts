import * as tf from '@tensorflow/tfjs-core';
import { createPrior } from '@ddvi/distributions';
import { describe, expect, it } from 'vitest';
import { latentNll } from '../../src';

describe('latentNll (spec §10.2)', () => {
  it('scores latents drawn from the prior better (lower) than shifted ones', () => {
    const prior = createPrior('pinwheel');
    const before = tf.memory().numTensors;
    const z = tf.tidy(() => prior.sample(1, [1000]));
    const data = Float32Array.from(z.dataSync());
    z.dispose();
    const shifted = data.map((v, i) => v + (i % 2 === 0 ? 0.3 : -0.2));
    const good = latentNll({ latents: { data, dim: 2 }, prior, samples: 1000, seed: 2 });
    const bad = latentNll({ latents: { data: shifted, dim: 2 }, prior, samples: 1000, seed: 2 });
    expect(Number.isFinite(good)).toBe(true);
    expect(good).toBeLessThan(bad - 1);
    // Same seed, same prior samples: the metric is deterministic.
    expect(latentNll({ latents: { data, dim: 2 }, prior, samples: 1000, seed: 2 })).toBe(good);
    expect(tf.memory().numTensors).toBe(before);
    prior.dispose();
  });

  it('equals the closed form -mean log KDE on a tiny case (no clamp, equal bandwidth weights)', () => {
    // One latent at the origin; samples at distance r; KDE_h(z) = N(z; 0, h^2 I).
    const logN = (r2: number, h: number) => -r2 / (2 * h * h) - Math.log(2 * Math.PI) - 2 * Math.log(h);
    const h = 0.05;
    const got = latentNll({ latents: [[0, 0]], priorSamples: [[0.01, 0], [0, -0.02]], bandwidths: [h] });
    expect(got).toBeCloseTo(-(logN(1e-4, h) + logN(4e-4, h)) / 2, 3);
    // Two bandwidths: log q = logsumexp_h log KDE_h - log 2.
    const hs = [0.01, 0.03];
    const two = latentNll({ latents: [[0, 0]], priorSamples: [[0.05, 0]], bandwidths: hs });
    const l = hs.map((b) => logN(0.0025, b));
    const lse = Math.max(...l) + Math.log(l.reduce((s, v) => s + Math.exp(v - Math.max(...l)), 0));
    expect(two).toBeCloseTo(-(lse - Math.log(2)), 3);
    // A far sample is not clamped (sklearn's score_samples clamps nothing; KdePrior's default would stop at 1000).
    const far = latentNll({ latents: [[0, 0]], priorSamples: [[0.5, 0]], bandwidths: [0.01] });
    expect(far).toBeCloseTo(-logN(0.25, 0.01), 1);
    expect(far).toBeGreaterThan(1200);
  });

  it('rejects bad input', () => {
    expect(() => latentNll({ latents: [[0, 0, 0]], priorSamples: [[0, 0]] })).toThrow(/latents must be of shape \[n, 2\]/);
    expect(() => latentNll({ latents: [[0, 0]] })).toThrow(/prior \/ priorSamples must be exactly one of them, got neither/);
    expect(() => latentNll({ latents: [[0, 0]], priorSamples: [[0, Infinity]] })).toThrow(/priorSamples must be finite numbers/);
    expect(() => latentNll({ latents: [[0, 0]], priorSamples: [[0, 0]], bandwidths: [] })).toThrow(/bandwidths/);
  });
});
