import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, Elbo, Trainer, ValidationError, learningRateFactor } from '../src';
import type { TrainEvent, TrainerOptions } from '../src';
import { LinearGaussianModel, referenceLinearGaussian, testSeed } from '../src/testing';
import { LinearPosterior } from './fixtures';

let model: LinearGaussianModel;
let data: ReturnType<LinearGaussianModel['sampleDataset']>;
beforeAll(() => {
  model = referenceLinearGaussian();
  data = model.sampleDataset(200, testSeed());
});

const weights = (q: LinearPosterior) => Object.values(q.namedVariables()).map((v) => Array.from(v.dataSync()));
function options(q: LinearPosterior, extra: Partial<TrainerOptions> = {}): TrainerOptions {
  return { model, posterior: q, objective: new Elbo(), train: data, test: data, batchSize: 32, epochs: 3, learningRate: 1e-2, seed: 5, ...extra };
}

describe('learningRateFactor', () => {
  it('is 1 throughout for constant, and a half cosine from 1 to 0 for cosine', () => {
    expect([0, 7, 99].map((s) => learningRateFactor('constant', s, 100))).toEqual([1, 1, 1]);
    expect(learningRateFactor('cosine', 0, 100)).toBe(1);
    expect(learningRateFactor('cosine', 50, 100)).toBeCloseTo(0.5, 12);
    expect(learningRateFactor('cosine', 25, 100)).toBeCloseTo((1 + Math.SQRT1_2) / 2, 12);
    expect(learningRateFactor('cosine', 100, 100)).toBeCloseTo(0, 12);
    const f = Array.from({ length: 101 }, (_, s) => learningRateFactor('cosine', s, 100));
    for (let i = 1; i < f.length; i++) expect(f[i]!).toBeLessThan(f[i - 1]!);
  });

  it('scales one Adam update exactly as a rate that much smaller would', () => {
    const run = (lr: number, factor: number) => {
      const w = { w: tf.variable(tf.tensor1d([0.5, -1, 2])) };
      const adam = new Adam({ learningRate: lr });
      const g = { w: tf.tensor1d([0.3, -0.2, 0.05]) };
      adam.apply(w, g, undefined, factor);
      const out = Array.from(w.w.dataSync());
      adam.dispose();
      tf.dispose([w.w, g.w]);
      return out;
    };
    expect(run(1e-2, 0.25)).toEqual(run(2.5e-3, 1));
    expect(run(1e-2, 0.25)).not.toEqual(run(1e-2, 1));
  });
});

describe('Trainer with learningRateSchedule', () => {
  it('rejects an unknown schedule up front, naming the parameter', () => {
    const q = new LinearPosterior(2, 6);
    expect(() => new Trainer(options(q, { learningRateSchedule: 'linear' as never }))).toThrow(ValidationError);
    expect(() => new Trainer(options(q, { learningRateSchedule: 'linear' as never }))).toThrow(/learningRateSchedule must be "constant" or "cosine", got "linear"/);
    q.dispose();
  });

  it('takes the first step at the full rate, then smaller ones than a constant rate', async () => {
    const moved = async (schedule: 'constant' | 'cosine', steps: number) => {
      const q = new LinearPosterior(2, 6);
      const before = weights(q).flat();
      const t = new Trainer(options(q, { learningRateSchedule: schedule, epochs: 1, maxStepsPerEpoch: steps, test: undefined }));
      // The schedule runs over the run's steps: give both runs the same total by training 7 steps of 7.
      await t.fit();
      const after = weights(q).flat();
      t.dispose();
      q.dispose();
      return { after, distance: Math.hypot(...after.map((v, i) => v - before[i]!)) };
    };
    const [c1, k1] = [await moved('cosine', 1), await moved('constant', 1)];
    expect(c1.after).toEqual(k1.after);
    const [c7, k7] = [await moved('cosine', 7), await moved('constant', 7)];
    expect(c7.distance).toBeLessThan(k7.distance);
  });

  it('resumes a cosine run from a mid-epoch checkpoint to exactly the uninterrupted numbers; a constant run refuses it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddvi-schedule-'));
    const q1 = new LinearPosterior(2, 6);
    const full = await new Trainer(options(q1, { learningRateSchedule: 'cosine' })).fit();
    const ckpt = path.join(dir, 'run.ckpt');
    const q2 = new LinearPosterior(2, 6);
    const crash = (e: TrainEvent) => {
      if (e.type === 'step' && e.step === 10) throw new Error('simulated crash');
    };
    await expect(new Trainer(options(q2, { learningRateSchedule: 'cosine', checkpointPath: ckpt, checkpointEverySteps: 3, onEvent: crash })).fit()).rejects.toThrow('simulated crash');
    const q3 = new LinearPosterior(2, 6, 999);
    const res = await new Trainer(options(q3, { learningRateSchedule: 'cosine' })).fit(ckpt);
    expect(weights(q3)).toEqual(weights(q1));
    expect(res.history).toEqual(full.history.map((h, i) => ({ ...h, seconds: res.history[i]!.seconds })));
    const q4 = new LinearPosterior(2, 6);
    await expect(new Trainer(options(q4)).fit(ckpt)).rejects.toThrow(/cannot resume: checkpoint has learningRateSchedule = "cosine", this run has undefined/);
    for (const q of [q1, q2, q3, q4]) q.dispose();
  });
});
