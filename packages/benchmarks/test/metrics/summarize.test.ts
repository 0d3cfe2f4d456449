import { describe, expect, it } from 'vitest';
import { studentTQuantile, summarize } from '../../src';

describe('studentTQuantile', () => {
  it('matches printed t-table values (two-sided 95% and 99%)', () => {
    const table: [number, number, number][] = [
      [0.975, 1, 12.706],
      [0.975, 2, 4.303],
      [0.975, 3, 3.182],
      [0.975, 4, 2.776],
      [0.975, 9, 2.262],
      [0.975, 30, 2.042],
      [0.995, 10, 3.169],
      [0.95, 5, 2.015],
    ];
    for (const [p, df, t] of table) expect(studentTQuantile(p, df), `t_{${p}, ${df}}`).toBeCloseTo(t, 3);
  });

  it('agrees with the closed forms for 1 and 2 degrees of freedom and tends to the normal', () => {
    for (const p of [0.6, 0.9, 0.975, 0.999, 0.1, 0.0001]) {
      expect(studentTQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 8); // Cauchy
      expect(studentTQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 9);
    }
    expect(studentTQuantile(0.975, 1e7)).toBeCloseTo(1.959964, 5);
    expect(studentTQuantile(0.5, 3)).toBe(0);
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-studentTQuantile(0.975, 4), 12);
  });

  it('rejects p outside (0, 1) and df <= 0', () => {
    expect(() => studentTQuantile(1, 3)).toThrow(/p must be a probability in \(0, 1\), got 1/);
    expect(() => studentTQuantile(0.5, 0)).toThrow(/df must be a finite number > 0/);
  });
});

describe('summarize', () => {
  it('gives mean, sample std, sem and the 95% Student-t half-width', () => {
    const s = summarize([1, 2, 3, 4, 5]);
    expect(s.n).toBe(5);
    expect(s.mean).toBe(3);
    expect(s.std).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(s.sem).toBeCloseTo(Math.sqrt(0.5), 12);
    // scipy: sem([1..5]) * t.ppf(0.975, 4) = 0.70710678 * 2.77644511 = 1.96324316
    expect(s.halfWidth95).toBeCloseTo(1.96324316, 6);
  });

  it('reports an undefined spread for one value as NaN', () => {
    const s = summarize([0.5]);
    expect(s.mean).toBe(0.5);
    expect(s.std).toBeNaN();
    expect(s.halfWidth95).toBeNaN();
  });

  it('rejects empty and non-finite input', () => {
    expect(() => summarize([])).toThrow(/values must be a non-empty array/);
    expect(() => summarize([1, NaN])).toThrow(/values must be finite numbers, got NaN at index 1/);
  });
});
