import { describe, expect, it } from 'vitest';
import { Rng } from '../src/random';

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    s += x;
    s2 += x * x;
  }
  const mean = s / n;
  return { mean, variance: s2 / n - mean * mean };
}

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const xa = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xa);
  });

  it('uniform draws have mean 1/2 and variance 1/12', () => {
    const r = new Rng(1);
    const m = moments(() => r.uniform(), 200_000);
    expect(m.mean).toBeCloseTo(0.5, 2);
    expect(m.variance).toBeCloseTo(1 / 12, 3);
  });

  it.each([
    [0.5, 1],
    [2.5, 1],
    [0.1, 1],
  ])('Gamma(%f) has mean k and variance k', (k) => {
    const r = new Rng(3);
    const n = 200_000;
    const m = moments(() => r.gamma(k), n);
    // 5 standard errors of the mean; the variance to 5%.
    expect(Math.abs(m.mean - k)).toBeLessThan(5 * Math.sqrt(k / n));
    expect(m.variance / k).toBeGreaterThan(0.95);
    expect(m.variance / k).toBeLessThan(1.05);
  });

  // The Balding–Nichols shapes: p = 0.3, F = 0.1 gives Beta(2.7, 6.3); p = 0.05 gives Beta(0.45, 8.55).
  it.each([
    [2.7, 6.3],
    [0.45, 8.55],
    [1, 1],
    [0.5, 0.5],
  ])('Beta(%f, %f) matches the closed-form mean and variance', (a, b) => {
    const r = new Rng(11);
    const n = 200_000;
    const m = moments(() => r.beta(a, b), n);
    const mean = a / (a + b);
    const variance = (a * b) / ((a + b) ** 2 * (a + b + 1));
    expect(Math.abs(m.mean - mean)).toBeLessThan(5 * Math.sqrt(variance / n));
    expect(Math.abs(m.variance - variance) / variance).toBeLessThan(0.03);
  });

  it('Dirichlet draws sum to 1 and have mean alpha / sum(alpha)', () => {
    const r = new Rng(5);
    const alpha = [0.5, 1, 2.5];
    const sum = [0, 0, 0];
    const n = 50_000;
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const q = r.dirichlet(alpha);
      worst = Math.max(worst, Math.abs(q[0]! + q[1]! + q[2]! - 1));
      for (let k = 0; k < 3; k++) sum[k]! += q[k]!;
    }
    expect(worst).toBeLessThan(1e-12);
    alpha.forEach((a, k) => expect(sum[k]! / n).toBeCloseTo(a / 4, 2));
  });

  it('rejects bad parameters', () => {
    const r = new Rng(0);
    expect(() => r.gamma(0)).toThrow(/shape must be a finite number > 0, got 0/);
    expect(() => r.beta(1, -1)).toThrow(/b must be a finite number > 0/);
    expect(() => new Rng(-1)).toThrow(/seed must be an integer/);
  });
});
