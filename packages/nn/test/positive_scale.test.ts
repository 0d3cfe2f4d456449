import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { positiveScale } from '../src';

describe('positiveScale', () => {
  it('maps a raw head to the documented scale for each parameterization', () => {
    const s = tf.tensor2d([[-2, 0, 3]]);
    const at = (kind: 'sigmoid' | 'softplus' | 'exp') => Array.from(positiveScale(kind, s, 1e-2).dataSync());
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    [-2, 0, 3].forEach((v, i) => {
      expect(at('sigmoid')[i]).toBeCloseTo(Math.sqrt(sig(v) + 1e-4), 6);
      expect(at('softplus')[i]).toBeCloseTo(Math.log1p(Math.exp(v)) + 1e-2, 5);
      expect(at('exp')[i]).toBeCloseTo(Math.exp(v / 2) + 1e-2, 5);
    });
    expect(() => positiveScale('cube' as never, s, 0)).toThrow(/positiveScale: kind must be one of sigmoid, softplus, exp/);
    s.dispose();
  });
});
