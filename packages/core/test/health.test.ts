import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DdviError, DivergenceError, Elbo, Reconstruction, SeedStream, Trainer, ValidationError, evaluate, loadCheckpoint } from '../src';
import type { AuxiliaryContext, AuxiliaryLoss, EpochRecord, Model } from '../src';
import { LinearGaussianModel, referenceLinearGaussian, testSeed } from '../src/testing';
import { LinearPosterior } from './fixtures';

let model: LinearGaussianModel;
let data: ReturnType<LinearGaussianModel['sampleDataset']>;
beforeAll(() => {
  model = referenceLinearGaussian();
  data = model.sampleDataset(96, testSeed());
});

/** Healthy for `healthyEpochs` epochs, then reports a divergence; records what it was shown. */
class FailingPosterior extends LinearPosterior {
  seen: number[] = [];
  constructor(private readonly healthyEpochs: number) {
    super(2, 6);
  }
  checkHealth(record: EpochRecord, history: readonly EpochRecord[]): string | undefined {
    this.seen.push(history.length);
    return record.epoch >= this.healthyEpochs ? 'adversary accuracy pinned at 1 for 3 epochs' : undefined;
  }
}

/** An auxiliary loss that reports a diagnostic and what it was told about the run. */
class ReportingPosterior extends LinearPosterior {
  contexts: { epoch: number; epochs?: number }[] = [];
  override auxiliaryLosses(): AuxiliaryLoss[] {
    return [{
      name: 'shrink', variables: ['c'],
      loss: (ctx: AuxiliaryContext) => {
        this.contexts.push({ epoch: ctx.epoch, epochs: ctx.epochs });
        ctx.report?.('cNorm', tf.sum(tf.square(this.c)) as tf.Scalar);
        ctx.report?.('kl', tf.scalar(-1)); // collides with a main term: recorded as shrink.kl
        return tf.mean(tf.square(this.c)) as tf.Scalar;
      },
    }];
  }
}

describe('Posterior.checkHealth', () => {
  it('stops training with a DivergenceError and keeps the checkpoint of the last healthy epoch', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddvi-health-'));
    const ckpt = path.join(dir, 'ckpt.json');
    const q = new FailingPosterior(2);
    const t = new Trainer({ model, posterior: q, objective: new Elbo(), train: data, batchSize: 32, epochs: 5, learningRate: 1e-2, seed: 3, checkpointPath: ckpt });
    const err = await t.fit().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DivergenceError);
    expect(err).toBeInstanceOf(DdviError);
    expect((err as DivergenceError).epoch).toBe(2);
    expect((err as Error).message).toMatch(/^training diverged at epoch 3: adversary accuracy pinned at 1 for 3 epochs; the last good checkpoint is kept at .*ckpt\.json$/);
    expect(q.seen).toEqual([1, 2, 3]);
    const saved = await loadCheckpoint(ckpt);
    expect(saved.epoch).toBe(2);
    expect(saved.history.map((h) => h.epoch)).toEqual([0, 1]);
    t.dispose();
    q.dispose();
  });

  it('says when no checkpoint was written yet', async () => {
    const q = new FailingPosterior(0);
    const err = await new Trainer({ model, posterior: q, objective: new Elbo(), train: data, batchSize: 32, epochs: 2, learningRate: 1e-2, seed: 3 })
      .fit()
      .catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/epoch 1: .*; no checkpoint was written yet$/);
    q.dispose();
  });
});

describe('AuxiliaryContext', () => {
  it('passes the run length and records reported diagnostics per epoch', async () => {
    const q = new ReportingPosterior(2, 6);
    const t = new Trainer({ model, posterior: q, objective: new Elbo(), train: data, batchSize: 32, epochs: 2, learningRate: 1e-2, seed: 3 });
    const res = await t.fit();
    expect(q.contexts.every((c) => c.epochs === 2)).toBe(true);
    expect(q.contexts.map((c) => c.epoch)).toEqual([0, 0, 0, 1, 1, 1]);
    for (const r of res.history) {
      expect(Object.keys(r.train).sort()).toEqual(['bound', 'cNorm', 'kl', 'loss', 'reconstruction', 'shrink', 'shrink.kl']);
      expect(r.train['shrink.kl']).toBe(-1);
      expect(r.train.cNorm).toBeGreaterThanOrEqual(0);
    }
    t.dispose();
    q.dispose();
  });
});

describe('Reconstruction', () => {
  it('is -E[log p(x|z)] with no bound; the mse variant is 0.5 * MSE of the likelihood mean', () => {
    const q = new LinearPosterior(2, 6);
    q.capabilities.hasDensity = false;
    tf.tidy(() => {
      const batch = data.batch(Int32Array.from({ length: 16 }, (_, i) => i));
      const ctx = () => ({ seed: new SeedStream(4), training: false, epoch: 0 });
      const r = new Reconstruction().compute(model, q, batch, ctx());
      expect(r.bound).toBeUndefined();
      expect(Object.keys(r.terms)).toEqual(['reconstruction']);
      expect(r.loss.dataSync()[0]).toBeCloseTo(-r.terms.reconstruction!.dataSync()[0]!, 5);
      const m = new Reconstruction({ loss: 'mse' }).compute(model, q, batch, ctx());
      const z = q.sample(batch.x, { seed: new SeedStream(4), training: false }).z;
      const mean = (model as Model).likelihood(z, { training: false, seed: new SeedStream(4) }).mean();
      const mse = tf.mean(tf.square(tf.sub(mean, batch.x))).dataSync()[0]!;
      expect(m.terms.mse!.dataSync()[0]).toBeCloseTo(mse, 5);
      expect(m.loss.dataSync()[0]).toBeCloseTo(0.5 * mse, 5);
      expect(m.terms.reconstruction!.dataSync()[0]).toBeCloseTo(r.terms.reconstruction!.dataSync()[0]!, 5);
    });
    const one = data.batch(Int32Array.from([0]));
    expect(() => new Elbo().compute(model, q, one, { seed: new SeedStream(1), training: false, epoch: 0 })).toThrow(/no tractable density/);
    one.x.dispose();
    expect(Object.keys(evaluate(model, q, new Reconstruction(), data, { seed: 1 }))).toEqual(['reconstruction']);
    expect(() => new Reconstruction({ loss: 'l1' as 'mse' })).toThrow(ValidationError);
    q.dispose();
  });
});
