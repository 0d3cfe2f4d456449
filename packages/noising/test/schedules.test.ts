import { describe, expect, it } from 'vitest';
import { ValidationError } from '@ddvi/core';
import {
  GaussianDiffusion,
  VarianceExploding,
  alphasCumprodSchedule,
  betaSchedule,
  cosineSchedule,
  linearSchedule,
  sigmoidSchedule,
} from '../src';

describe('linearSchedule (the paper schedule)', () => {
  it.each([
    [5, 0.951],
    [10, 0.904],
    [20, 0.817],
    [40, 0.667],
    [50, 0.603],
    [100, 0.364],
  ])('T = %i: abar_T = %f (spec §2, to 3 decimals)', (T, expected) => {
    const s = linearSchedule(T);
    expect(s.alphasCumprod[T - 1]).toBeCloseTo(expected, 3);
    expect(s.betas[0]).toBe(1e-4);
    expect(s.betas[T - 1]).toBeCloseTo(0.02, 15);
  });

  it('is linspace inclusive; 1 - abar is accurate for tiny betas; T = 1 is beta_1 = start', () => {
    const s = linearSchedule(3, { start: 0.1, end: 0.3 });
    expect(s.betas[0]).toBe(0.1);
    expect(s.betas[2]).toBeCloseTo(0.3, 15);
    expect(s.betas[1]).toBeCloseTo(0.2, 15);
    expect(s.alphasCumprod[2]).toBeCloseTo(0.9 * 0.8 * 0.7, 14);
    const tiny = betaSchedule([1e-12, 1e-12]);
    expect(tiny.oneMinusAlphasCumprod[0]).toBe(1e-12);
    // exact: 1 - (1 - 1e-12)^2 = 2e-12 - 1e-24 (relative error 1e-12 here; 1 - abar in float64 would lose ~4 digits)
    expect(Math.abs(tiny.oneMinusAlphasCumprod[1]! / (2e-12 - 1e-24) - 1)).toBeLessThan(1e-12);
    expect(Array.from(linearSchedule(1).betas)).toEqual([1e-4]);
  });
});

describe('cosineSchedule (Nichol & Dhariwal 2021)', () => {
  const f = (u: number, T: number, s = 0.008) => Math.cos(((u / T + s) / (1 + s)) * (Math.PI / 2)) ** 2;

  it('T = 1000: beta_1 from the formula, betas clipped at 0.999 at the end, abar_T ~ 0', () => {
    const T = 1000;
    const c = cosineSchedule(T);
    expect(c.betas[0]).toBeCloseTo(1 - f(1, T) / f(0, T), 14);
    expect(c.betas[0]).toBeGreaterThan(3e-5);
    expect(c.betas[0]).toBeLessThan(5e-5);
    expect(c.betas[T - 1]).toBe(0.999);
    // before any clipping abar_t = f(t) / f(0)
    expect(c.alphasCumprod[499]).toBeCloseTo(f(500, T) / f(0, T), 10);
    expect(c.alphasCumprod[T - 1]).toBeLessThan(1e-6);
    expect(c.alphasCumprod[T - 1]).toBeGreaterThan(0);
  });

  it('T = 40: unclipped betas in (0, 0.999], abar strictly decreasing', () => {
    const c = cosineSchedule(40);
    for (let i = 1; i < 40; i++) expect(c.alphasCumprod[i]).toBeLessThan(c.alphasCumprod[i - 1]!);
    expect(Math.max(...c.betas)).toBeLessThanOrEqual(0.999);
  });
});

describe('sigmoidSchedule', () => {
  it('increases from ~start to ~end, symmetric about the midpoint', () => {
    const s = sigmoidSchedule(41);
    for (let i = 1; i < 41; i++) expect(s.betas[i]).toBeGreaterThan(s.betas[i - 1]!);
    expect(s.betas[20]).toBeCloseTo((1e-4 + 0.02) / 2, 15);
    expect(s.betas[0]).toBeCloseTo(1e-4 + 0.0199 / (1 + Math.exp(6)), 15);
    expect(s.betas[0]! + s.betas[40]!).toBeCloseTo(1e-4 + 0.02, 15);
  });
});

describe('validation names the offending index and value', () => {
  const msg = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      return (e as Error).message;
    }
    throw new Error('did not throw');
  };

  it('betas', () => {
    expect(msg(() => betaSchedule([0.1, 1.2, 0.3]))).toMatch(/betas\[1\] \(beta_2\) must be in \(0, 1\), got 1\.2/);
    expect(msg(() => betaSchedule([0.1, 0.2, 0]))).toMatch(/betas\[2\].*got 0$/);
    expect(msg(() => betaSchedule([Number.NaN]))).toMatch(/betas\[0\].*NaN/);
    expect(msg(() => betaSchedule([]))).toMatch(/non-empty/);
    expect(msg(() => GaussianDiffusion.fromBetas([0.5, 1]))).toMatch(/betas\[1\]/);
  });

  it('cumulative alphas', () => {
    expect(msg(() => alphasCumprodSchedule([0.9, 0.95, 0.5]))).toMatch(/alphasCumprod\[1\] \(abar_2\).*strictly.*got 0\.95/);
    expect(msg(() => alphasCumprodSchedule([0.9, 0.9]))).toMatch(/alphasCumprod\[1\]/);
    expect(msg(() => alphasCumprodSchedule([0.9, 0]))).toMatch(/alphasCumprod\[1\].*in \(0, 1\], got 0/);
    expect(msg(() => alphasCumprodSchedule([1.5]))).toMatch(/alphasCumprod\[0\]/);
    expect(msg(() => alphasCumprodSchedule([1, 0.5]))).toMatch(/alphasCumprod\[0\].*strictly below the previous value 1/);
    expect(msg(() => GaussianDiffusion.fromAlphasCumprod([]))).toMatch(/non-empty/);
    // abar round-trips through betas
    const s = alphasCumprodSchedule([0.9, 0.5, 0.1]);
    expect(Array.from(betaSchedule(s.betas).alphasCumprod).map((v) => +v.toFixed(12))).toEqual([0.9, 0.5, 0.1]);
  });

  it('sigmas, T and options', () => {
    expect(msg(() => new VarianceExploding([0.1, 0.5, 0.4]))).toMatch(/sigmas\[2\] \(sigma_3\).*increasing.*got 0\.4/);
    expect(msg(() => new VarianceExploding([0, 1]))).toMatch(/sigmas\[0\]/);
    expect(msg(() => new VarianceExploding([]))).toMatch(/non-empty/);
    expect(msg(() => linearSchedule(0))).toMatch(/T must be an integer >= 1/);
    expect(msg(() => cosineSchedule(2.5))).toMatch(/T/);
    expect(msg(() => linearSchedule(10, { end: 1 }))).toMatch(/end/);
  });
});
