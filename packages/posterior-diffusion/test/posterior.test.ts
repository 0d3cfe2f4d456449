import * as tf from '@tensorflow/tfjs-core';
import { SeedStream, ValidationError } from '@ddvi/core';
import { describe, expect, it } from 'vitest';
import { DdviPosterior, ddviPhases, resolveConfig } from '../src';
import { meanAndSe, small, tiled } from './helpers';

const X = [0.3, -1.2, 0.8, 0.1, -0.4, 1.5];

describe('config validation', () => {
  it('names the offending key and what it expects', () => {
    expect(() => resolveConfig({ reverseVariance: 'big' as never })).toThrow('ddvi posterior: reverseVariance must be one of "learned", "posterior", "forward", "none", got "big"');
    expect(() => resolveConfig({ wake: 'bound', reverseVariance: 'none' })).toThrow(/deterministic chain has no density/);
    expect(() => resolveConfig({ denoiserLayers: 1 })).toThrow(/denoiserLayers must be an integer >= 2/);
    expect(() => resolveConfig({ priorPretrain: 0.6, frozenDecoder: 0.5 })).toThrow(/frozenDecoder must be below 1 - priorPretrain = 0.4/);
    expect(() => resolveConfig({ noising: { kind: 'linear', T: 0 } })).toThrow(/noising.T must be an integer >= 1/);
    expect(() => resolveConfig({ T: 5 } as never)).toThrow(/unknown key "T" \(known keys: noising, /);
    expect(() => resolveConfig({ hidden: [0] })).toThrow('ddvi posterior: hidden[0] must be an integer >= 1, got 0');
    expect(() => resolveConfig({ sleepRepeat: 3 } as never)).toThrow(/unknown key "sleepRepeat"; did you mean "sleepRepeats"\?/);
    expect(() => resolveConfig({ classes: 1 })).toThrow('ddvi posterior: classes must be 0 (unsupervised) or an integer >= 2, got 1');
    expect(() => resolveConfig({ sleepBatch: -1 })).toThrow(/sleepBatch must be an integer >= 0 \(0: the data batch size\), got -1/);
    // A process's own keys pass through to its schema.
    expect(resolveConfig({ noising: { kind: 'cosine', T: 5, s: 0.01 } as never }).noising).toEqual({ kind: 'cosine', T: 5, s: 0.01 });
    // The families' shared `hidden` sets both encoders unless they are given.
    expect(resolveConfig({ hidden: [8] })).toMatchObject({ encoderHidden: [8], contextHidden: [8] });
    expect(resolveConfig({ hidden: [8], contextHidden: [4] })).toMatchObject({ encoderHidden: [8], contextHidden: [4] });
    expect(() => small({ noising: { kind: 'nope', T: 3 } })).toThrow(/unknown kind "nope"/);
    expect(() => small({ priorPretrain: 0.2, sleepWeight: 0 })).toThrow(ValidationError);
  });

  it('rejects x of the wrong width with the expected shape', () => {
    const q = small();
    const x = tf.zeros([4, 5]) as tf.Tensor2D;
    expect(() => q.sample(x, { seed: new SeedStream(1), training: false })).toThrow(/x.*\[.*6\]/);
    x.dispose();
    q.dispose();
  });
});

describe('the reverse chain', () => {
  it('keeps every state and ends at z = y_0', () => {
    const q = small();
    const x = tiled(X, 3);
    tf.tidy(() => {
      const [mu, logVar] = [tf.zeros([3, 2]), tf.zeros([3, 2])] as tf.Tensor2D[];
      const path = q.trajectory(mu!, logVar!, tf.zeros([3, 2]) as tf.Tensor2D, new SeedStream(4));
      expect(path.states.shape).toEqual([6, 3, 2]);
      expect(path.means.shape).toEqual([5, 3, 2]);
      const s = q.sample(x, { seed: new SeedStream(4), training: false });
      expect(s.z.shape).toEqual([3, 2]);
    });
    x.dispose();
    q.dispose();
  });

  it('has no density and no noise when reverseVariance is none (the reference chain)', () => {
    const q = small({ reverseVariance: 'none', wake: 'huber' });
    expect(q.capabilities).toEqual({ hasDensity: false, supportsIWAE: false, supportsLabels: false });
    const x = tiled(X, 2);
    tf.tidy(() => {
      const a = q.sample(x, { seed: new SeedStream(1), training: false }).z.arraySync();
      // Same encoder draw (same seed fork), different step seeds would not matter: no step noise.
      const b = q.sample(x, { seed: new SeedStream(1), training: false }).z.arraySync();
      expect(a).toEqual(b);
    });
    x.dispose();
    q.dispose();
  });

  // The range's lower end is varianceFloor x betatilde_t (x beta_1 at the last step): checked at
  // the floor of 1 (the Nichol & Dhariwal range) and at the default 1e-3.
  for (const floor of [1, 1e-3]) {
    it(`learned reverse variances stay between ${floor === 1 ? '' : `${floor} x `}betatilde_t and beta_t, reaching each at the extremes`, () => {
      const q = small({ reverseVariance: 'learned', varianceFloor: floor, noising: { kind: 'linear', T: 5 } });
      tf.tidy(() => {
        for (const t of [1, 2, 5]) {
          const low = q.process.reverseVariance(t, [1, 2], 'posterior').logVariance.dataSync().map((v) => v + Math.log(floor));
          const high = q.process.reverseVariance(t, [1, 2], 'forward').logVariance.dataSync();
          const at = (h: number) => q.reverseLogVariance(t, tf.fill([1, 2], h) as tf.Tensor2D, [1, 2]).dataSync();
          expect(at(-60)[0]).toBeCloseTo(low[0]!, 4);
          expect(at(60)[0]).toBeCloseTo(high[0]!, 4);
          const mid = at(0)[0]!;
          expect(mid).toBeGreaterThanOrEqual(low[0]! - 1e-6);
          expect(mid).toBeLessThanOrEqual(high[0]! + 1e-6);
          if (t > 1 || floor < 1) expect(high[0]! - low[0]!).toBeGreaterThan(0.3); // the two ends differ at t >= 2 (and everywhere below a floor of 1)
        }
      });
      q.dispose();
    });
  }
});

describe('the Rao-Blackwellized training signal', () => {
  // smoothedLogRatio replaces each step's sampled log q - log r by its expectation given y_t, so
  // its mean over trajectories must equal the sampled log-ratio's (here over 4,000 trajectories,
  // within 4 standard errors of their per-trajectory difference).
  for (const reverseVariance of ['learned', 'posterior', 'forward'] as const) {
    it(`is an unbiased estimate of the exact log-ratio (${reverseVariance} variances)`, () => {
      const q = small({ reverseVariance });
      const x = tiled(X, 4000);
      const diff = tf.tidy(() => {
        const s = q.sample(x, { seed: new SeedStream(11), training: true });
        return tf.sub(s.logQ, s.surrogate!.logQ).dataSync();
      });
      const { mean, se } = meanAndSe(diff);
      expect(Math.abs(mean)).toBeLessThan(4 * se + 1e-3);
      x.dispose();
      q.dispose();
    });
  }
});

describe('phases', () => {
  it('lays out prior pretraining, a frozen decoder, then joint training', () => {
    const phases = ddviPhases({ priorPretrain: 0.1, frozenDecoder: 0.3 });
    expect(phases.map((p) => p.name)).toEqual(['prior-pretrain', 'frozen-decoder', 'joint']);
    const fractions = phases.map((p) => (p.epochs as { fraction: number }).fraction);
    [0.1, 0.3, 0.6].forEach((f, i) => expect(fractions[i]).toBeCloseTo(f, 12));
    expect(phases[0]!.trainable('posterior/encoder.layer0.weight')).toBe(false);
    expect(phases[1]!.trainable('posterior/denoiser.head.weight')).toBe(true);
    expect(phases[1]!.trainable('model/decoder.layer0.weight')).toBe(false);
    expect(phases[2]!.trainable('model/decoder.layer0.weight')).toBe(true);
    expect(ddviPhases({ priorPretrain: 0, frozenDecoder: 0 }).map((p) => p.name)).toEqual(['joint']);
  });

  it('the sleep term updates only the denoiser and the context encoder (spec D9)', () => {
    const q = small();
    const [sleep] = q.auxiliaryLosses();
    expect(sleep!.name).toBe('sleep');
    expect(sleep!.repeats).toBe(3);
    expect(sleep!.variables.length).toBeGreaterThan(0);
    expect(sleep!.variables.every((k) => k.startsWith('denoiser.') || k.startsWith('context.'))).toBe(true);
    expect(sleep!.variables.some((k) => k.startsWith('context.'))).toBe(true);
    expect(small({ sleepWeight: 0 }).auxiliaryLosses()).toEqual([]);
    q.dispose();
  });
});

it('a posterior rebuilt from JSON keeps the noising process and the config', () => {
  const q = small({ noising: { kind: 'cosine', T: 7 }, reverseVariance: 'learned' });
  const r = DdviPosterior.fromJSON(JSON.parse(JSON.stringify(q.toJSON())));
  expect(r.T).toBe(7);
  expect(r.process.name).toBe(q.process.name);
  expect(r.config).toEqual(q.config);
  q.dispose();
  r.dispose();
});
