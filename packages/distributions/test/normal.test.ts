import * as tf from '@tensorflow/tfjs-core';
import { initBackend, ValidationError } from '@ddvi/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DiagNormal, Normal } from '../src/index';
import { expectClose, expectNoLeak, logProbOf, take, testSeed } from './helpers';

beforeAll(async () => {
  await initBackend();
});

describe('Normal', () => {
  it('logProb and entropy at hand-computed values', () => {
    expectNoLeak(() => {
      const n = new Normal(0, 1);
      // -0.5 log(2 pi) = -0.9189385332; at 1 subtract 0.5.
      expectClose(logProbOf(n, tf.tensor1d([0, 1, -2])), [-0.9189385332, -1.4189385332, -2.9189385332], 1e-6);
      expectClose(take(n.entropy()), [1.4189385332], 1e-6);
      n.dispose();
      const m = new Normal(1, [2, 0.5]);
      // N(3; 1, 2): -0.5 - log 2 - 0.9189385332 ; N(3; 1, 0.5): -8 + log 2 - 0.9189385332
      expectClose(logProbOf(m, tf.scalar(3)), [-2.1120857137, -8.2257913526], 1e-5);
      m.dispose();
    });
  });

  it.each([
    { loc: 0, scale: -1, re: /Normal: scale must be finite and > 0 everywhere, got -1 at index 0/ },
    { loc: 0, scale: [1, 2, 0, 4], re: /Normal: scale must be finite and > 0 everywhere, got 0 at index 2/ },
    { loc: [[0, 0], [0, NaN]], scale: 1, re: /Normal: loc must be finite everywhere, got NaN at index \[1, 1\]/ },
    { loc: 0, scale: Infinity, re: /scale must be finite and > 0 everywhere, got Infinity/ },
    { loc: [0, 1], scale: [1, 2, 3], re: /Normal: loc and scale must have broadcastable shapes, got loc \[2\], scale \[3\]/ },
  ])('rejects loc = $loc, scale = $scale naming the parameter', ({ loc, scale, re }) => {
    expectNoLeak(() => {
      expect(() => new Normal(loc, scale)).toThrow(ValidationError);
      expect(() => new Normal(loc, scale)).toThrow(re);
    });
  });

  it('validateArgs: false skips value checks (no host sync) but still checks shapes', () => {
    expectNoLeak(() => {
      const n = new Normal(0, -1, { validateArgs: false });
      expect(n.batchShape).toEqual([]);
      n.dispose();
      expect(() => new Normal([0, 1], [1, 2, 3], { validateArgs: false })).toThrow(/broadcastable/);
    });
  });

  it('takes int32 and float32 tensors; the caller keeps ownership of its tensors', () => {
    const loc = tf.tensor1d([1, 2], 'int32');
    const scale = tf.tensor1d([1, 1]);
    expectNoLeak(() => {
      const n = new Normal(loc, scale);
      expect(n.scale).toBe(scale);
      expectClose(take(n.mean()), [1, 2]);
      n.dispose();
    });
    expect(scale.isDisposed).toBe(false);
    expect(loc.isDisposed).toBe(false);
    tf.dispose([loc, scale]);
    expect(() => new Normal(scale, 1)).toThrow(/Normal: loc must be a live tensor/);
    expect(() => new Normal(tf.tensor1d(['a']), 1)).toThrow(/loc must be a numeric tensor, got dtype string/);
  });

  it('mean() returns a fresh tensor the caller may dispose', () => {
    const n = new Normal([1, 2], 1);
    const m = n.mean();
    expect(m).not.toBe(n.loc);
    m.dispose();
    expect(n.loc.isDisposed).toBe(false);
    n.dispose();
    expect(n.loc.isDisposed).toBe(true);
  });

  it('built inside tf.tidy, it leaves nothing behind', () => {
    expectNoLeak(() => {
      const lp = tf.tidy(() => new Normal([0, 1], 2).logProb(tf.zeros([3, 2])));
      expect(lp.shape).toEqual([3, 2]);
      lp.dispose();
    });
  });

  it('sample stops gradients, rsample carries them', () => {
    const loc = tf.variable(tf.tensor1d([0, 1]));
    const scale = tf.variable(tf.tensor1d([1, 2]));
    expectNoLeak(() => {
      const g = tf.grads((l: tf.Tensor, s: tf.Tensor) => tf.sum(new Normal(l, s, { validateArgs: false }).sample(testSeed(), [3])));
      const [gl, gs] = g([loc, scale]);
      expectClose(take(gl!), [0, 0], 0, 0);
      expectClose(take(gs!), [0, 0], 0, 0);
    });
    tf.dispose([loc, scale]);
  });
});

describe('DiagNormal', () => {
  it('logProb sums over the last axis (hand value), entropy is d (0.5 + 0.5 log 2 pi) + sum log scale', () => {
    expectNoLeak(() => {
      const d = new DiagNormal([0, 1], [1, 2]);
      // log N(0;0,1) + log N(0;1,2) = -0.9189385 + (-0.9189385 - log 2 - 0.125)
      expectClose(logProbOf(d, tf.zeros([2])), [-2.6560242], 1e-5);
      expectClose(take(d.entropy()), [2 * 1.4189385332 + Math.log(2)], 1e-5);
      d.dispose();
    });
  });

  it('fromLogVariance equals the explicit scale; standard(d, batch) is N(0, I)', () => {
    expectNoLeak(() => {
      const a = DiagNormal.fromLogVariance([1, 2], [0, Math.log(4)]);
      const b = new DiagNormal([1, 2], [1, 2]);
      const x = tf.tensor2d([[0, 0], [1, 3]]);
      expectClose(take(a.logProb(x)), take(b.logProb(x)), 1e-6);
      expectClose(take(a.stddev()), [1, 2], 1e-6);
      const s = DiagNormal.standard(3, [2]);
      expect(s.batchShape).toEqual([2]);
      expect(s.eventShape).toEqual([3]);
      expectClose(logProbOf(s, tf.zeros([3])), [-3 * 0.9189385332, -3 * 0.9189385332], 1e-5);
      tf.dispose(x);
      [a, b, s].forEach((d) => d.dispose());
    });
  });

  it('rejects scalar parameters (no event axis), bad scales and bad log-variances', () => {
    expectNoLeak(() => {
      expect(() => new DiagNormal(0, 1)).toThrow(/DiagNormal: loc and scale \(broadcast\) must have at least 1 dimension/);
      expect(() => new DiagNormal([0, 0, 0, 0], [1, 1, 1, -1])).toThrow('DiagNormal: scale must be finite and > 0 everywhere, got -1 at index 3');
      expect(() => DiagNormal.fromLogVariance([0, 0], [0, NaN])).toThrow(/DiagNormal: logVar must be finite everywhere, got NaN at index 1/);
      expect(() => new DiagNormal([[0, 0]], [1, 1, 1])).toThrow(/loc and scale must have broadcastable shapes/);
    });
  });

  it('rejects values with the wrong event size, naming the expected shape', () => {
    expectNoLeak(() => {
      const d = new DiagNormal(tf.zeros([4, 3]), 1);
      const x = tf.zeros([4, 2]);
      expect(() => d.logProb(x)).toThrow('DiagNormal.logProb: value must have shape [..., 4, 3] (batch shape [4], event shape [3]), got [4, 2]');
      const y = tf.zeros([5, 3]);
      expect(() => d.logProb(y)).toThrow(/got \[5, 3\]/);
      tf.dispose([x, y, d.loc]);
      d.dispose();
    });
  });
});
