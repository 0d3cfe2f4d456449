import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DivergenceError, Reconstruction, SeedStream, Trainer, ValidationError, createPosterior, loadCheckpoint } from '@ddvi/core';
import type { EpochRecord } from '@ddvi/core';
import { DecoderModel } from '@ddvi/models';
import { describe, expect, it } from 'vitest';
import { AdversarialPosterior, DISCRIMINATOR_ACCURACY, noiseSigma, resolveConfig } from '../src';
import { dataset } from './helpers';

describe('noiseSigma (the reference aae_vanilla schedule)', () => {
  it('is 0.3, then 0.2 / 0.1 / 0 by quarters of a 200-epoch run', () => {
    const at = (e: number) => noiseSigma(e, 200);
    expect([0, 1, 50, 51, 100, 101, 150, 199].map(at)).toEqual([0.3, 0.2, 0.2, 0.1, 0.1, 0, 0, 0]);
  });

  it('follows max(0, 0.1 * (((N - e) // (N // 4)) - 1)) for other lengths, with N // 4 at least 1', () => {
    expect(Array.from({ length: 8 }, (_, e) => noiseSigma(e, 8))).toEqual([0.3, 0.2, 0.2, 0.1, 0.1, 0, 0, 0]);
    expect([0, 1].map((e) => noiseSigma(e, 2))).toEqual([0.3, 0]);
    expect(noiseSigma(0, 100, 0.5)).toBe(0.5);
  });
});

describe('AdversarialPosterior', () => {
  it('declares no density and returns z with logQ zeros; eval-mode encoding is deterministic', () => {
    const q = createPosterior('aae', { latentSize: 2, dataSize: 5, seed: 1, config: { hidden: [8], discriminatorHidden: [8] } });
    expect(q.capabilities).toEqual({ hasDensity: false, supportsIWAE: false, supportsLabels: false });
    tf.tidy(() => {
      const x = tf.randomNormal([4, 5], 0, 1, 'float32', 3) as tf.Tensor2D;
      const a = q.sample(x, { seed: new SeedStream(1), training: false });
      const b = q.sample(x, { seed: new SeedStream(2), training: false });
      expect(a.logQ.arraySync()).toEqual([0, 0, 0, 0]);
      expect(b.z.arraySync()).toEqual(a.z.arraySync());
    });
    q.dispose();
  });

  it('has a Gaussian encoder option (stochastic z)', () => {
    const q = new AdversarialPosterior(2, 5, 1, { hidden: [8], discriminatorHidden: [8], encoder: 'gaussian' });
    tf.tidy(() => {
      const x = tf.randomNormal([4, 5], 0, 1, 'float32', 3) as tf.Tensor2D;
      const a = q.sample(x, { seed: new SeedStream(1), training: false }).z.arraySync();
      expect(q.sample(x, { seed: new SeedStream(2), training: false }).z.arraySync()).not.toEqual(a);
    });
    expect(Object.keys(q.namedVariables())).toContain('encoder.head1.weight');
    q.dispose();
  });

  it('keeps the discriminator out of the main objective and gives each adversarial loss its own variables', () => {
    const q = new AdversarialPosterior(2, 5, 1, { hidden: [8], discriminatorHidden: [8] });
    const [d, g] = q.auxiliaryLosses();
    expect(d!.variables.every((k) => k.startsWith('discriminator.'))).toBe(true);
    expect(g!.variables.every((k) => k.startsWith('encoder.'))).toBe(true);
    const trainable = q.phases()[0]!.trainable;
    expect(trainable('posterior/discriminator.hidden0.weight')).toBe(false);
    expect(trainable('posterior/encoder.hidden0.weight')).toBe(true);
    expect(trainable('model/decoder.head0.weight')).toBe(true);
    q.dispose();
  });

  it('validates its config', () => {
    expect(() => resolveConfig({ encoder: 'flow' as 'gaussian' })).toThrow(ValidationError);
    expect(() => resolveConfig({ divergenceTolerance: 0.5 })).toThrow('aae posterior: divergenceTolerance must be a finite number >= 0 and < 0.5, got 0.5');
    expect(() => resolveConfig({ bogus: 1 } as object)).toThrow(/unknown key "bogus" \(known keys: hidden, /);
    expect(() => resolveConfig({ noiseSigmaa: 0.1 } as object)).toThrow(/unknown key "noiseSigmaa"; did you mean "noiseSigma"\?/);
  });
});

describe('divergence detection', () => {
  const record = (epoch: number, acc: number | undefined): EpochRecord => ({
    epoch, phase: 'train', seconds: 0, train: acc === undefined ? { reconstruction: -1 } : { [DISCRIMINATOR_ACCURACY]: acc },
  });
  const check = (accs: (number | undefined)[], config = {}) => {
    const q = new AdversarialPosterior(2, 2, 1, { hidden: [4], discriminatorHidden: [4], divergencePatience: 3, divergenceTolerance: 0.01, ...config });
    const history = accs.map((a, i) => record(i, a));
    const out = q.checkHealth(history[history.length - 1]!, history);
    q.dispose();
    return out;
  };

  it('flags accuracy pinned at 1 or 0 for `divergencePatience` consecutive epochs, or not finite', () => {
    expect(check([0.6, 0.995, 1, 0.999])).toMatch(/^discriminator accuracy pinned at 1 for 3 epochs .*the encoder no longer fools it/);
    expect(check([0.004, 0, 0.01])).toMatch(/pinned at 0 for 3 epochs/);
    expect(check([0.5, NaN])).toMatch(/discriminator accuracy is NaN/);
  });

  it('lets healthy, short, interrupted or unreported histories pass, and patience 0 never stops', () => {
    expect(check([0.5, 0.6, 0.55, 0.52])).toBeUndefined();
    expect(check([1, 1])).toBeUndefined();
    expect(check([1, 0.9, 1, 1])).toBeUndefined();
    expect(check([1, 0, 1])).toBeUndefined();
    expect(check([undefined, undefined, undefined])).toBeUndefined();
    expect(check([1, 1, 1, 1], { divergencePatience: 0 })).toBeUndefined();
  });

  it('stops the trainer with a DivergenceError and keeps the last good checkpoint', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddvi-aae-'));
    const ckpt = path.join(dir, 'checkpoint.json');
    const model = new DecoderModel({ latentSize: 2, dataSize: 2, prior: 'gaussian', hidden: [], dropout: 0, likelihood: 'gaussian', seed: 1 });
    const t = model.prior().sample(new SeedStream(7), [256]);
    const data = dataset('far', Float32Array.from(tf.tidy(() => tf.add(t, 20)).dataSync()));
    t.dispose();
    // Tolerance 0.4999 makes any accuracy below 0.5 "pinned at 0": measured 0.445 and 0.477 in epochs 1 and 2.
    const q = new AdversarialPosterior(2, 2, 3, { hidden: [16], dropout: 0, discriminatorHidden: [32, 32], divergencePatience: 2, divergenceTolerance: 0.4999 });
    const trainer = new Trainer({ model, posterior: q, objective: new Reconstruction(), train: data, batchSize: 64, epochs: 5, learningRate: 1e-3, seed: 11, checkpointPath: ckpt });
    const err = await trainer.fit().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DivergenceError);
    expect((err as Error).message).toMatch(/^training diverged at epoch 2: discriminator accuracy pinned at 0 for 2 epochs .*; the last good checkpoint is kept at .*checkpoint\.json$/);
    const saved = await loadCheckpoint(ckpt);
    expect(saved.epoch).toBe(1);
    expect(saved.history).toHaveLength(1);
    trainer.dispose();
    q.dispose();
    model.dispose();
  });
});
