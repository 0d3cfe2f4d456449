import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, Elbo, NonFiniteError, Trainer, decodeCheckpoint, encodeCheckpoint, loadCheckpoint } from '../src';
import type { CheckpointPayload, Objective, TrainEvent, TrainerOptions } from '../src';
import { LinearGaussianModel, referenceLinearGaussian, testSeed } from '../src/testing';
import { LinearPosterior } from './fixtures';

let model: LinearGaussianModel;
let data: ReturnType<LinearGaussianModel['sampleDataset']>;
beforeAll(() => {
  model = referenceLinearGaussian();
  data = model.sampleDataset(200, testSeed());
});

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'ddvi-trainer-'));
const weights = (q: LinearPosterior) => Object.values(q.namedVariables()).map((v) => Array.from(v.dataSync()));

function options(q: LinearPosterior, extra: Partial<TrainerOptions> = {}): TrainerOptions {
  return { model, posterior: q, objective: new Elbo(), train: data, test: data, batchSize: 32, epochs: 4, learningRate: 1e-2, seed: 5, ...extra };
}

describe('Trainer', () => {
  it('improves the bound and is reproducible under the same seed', async () => {
    const runs = [];
    for (let r = 0; r < 2; r++) {
      const q = new LinearPosterior(2, 6);
      const t = new Trainer(options(q));
      const res = await t.fit();
      runs.push({ res, w: weights(q) });
      t.dispose();
      q.dispose();
    }
    const [a, b] = runs;
    expect(b!.w).toEqual(a!.w);
    expect(b!.res.history.map((h) => h.test)).toEqual(a!.res.history.map((h) => h.test));
    const bounds = a!.res.history.map((h) => h.test!.bound!);
    expect(bounds[3]!).toBeGreaterThan(bounds[0]!);
  });

  it('keeps tf.memory().numTensors flat across steps', async () => {
    const q = new LinearPosterior(2, 6);
    const counts: number[] = [];
    const t = new Trainer(options(q, { epochs: 2, test: undefined, onEvent: (e) => e.type === 'step' && counts.push(tf.memory().numTensors) }));
    await t.fit();
    expect(counts.length).toBe(14);
    expect(new Set(counts.slice(1)).size).toBe(1);
    t.dispose();
    q.dispose();
  });

  it.each(['run.ckpt.json', 'run.ckpt'])('resumes from a mid-epoch checkpoint (%s) to exactly the numbers of an uninterrupted run', async (file) => {
    const dir = tmp();
    const q1 = new LinearPosterior(2, 6);
    const full = new Trainer(options(q1));
    const fullRes = await full.fit();
    // Interrupted run: checkpoint every 3 steps, "crash" by throwing after step 10. Both file forms: JSON text and binary.
    const ckpt = path.join(dir, file);
    const q2 = new LinearPosterior(2, 6);
    const crash = (e: TrainEvent) => {
      if (e.type === 'step' && e.step === 10) throw new Error('simulated crash');
    };
    await expect(new Trainer(options(q2, { checkpointPath: ckpt, checkpointEverySteps: 3, onEvent: crash })).fit()).rejects.toThrow('simulated crash');
    expect((await loadCheckpoint(ckpt)).step).toBe(9);
    const q3 = new LinearPosterior(2, 6, 999); // different init: everything must come from the checkpoint
    const resumed = new Trainer(options(q3, { checkpointPath: ckpt }));
    const res = await resumed.fit(ckpt);
    expect(weights(q3)).toEqual(weights(q1));
    expect(res.history).toEqual(fullRes.history.map((h, i) => ({ ...h, seconds: res.history[i]!.seconds })));
    for (const q of [q1, q2, q3]) q.dispose();
  });

  it('stops on an aborted signal and resumes from the in-memory checkpoint to the uninterrupted numbers', async () => {
    const q1 = new LinearPosterior(2, 6);
    const fullRes = await new Trainer(options(q1)).fit();
    // 7 steps per epoch: stop mid-epoch (step 10) and at an epoch's last step (step 21), no file system.
    for (const stopAt of [10, 21]) {
      const q2 = new LinearPosterior(2, 6);
      const stop = new AbortController();
      const saved: CheckpointPayload[] = [];
      const first = await new Trainer(options(q2, {
        signal: stop.signal, onCheckpoint: (p) => void saved.push(p), onEvent: (e) => e.type === 'step' && e.step === stopAt && stop.abort(),
      })).fit();
      expect(first.stopped).toBe(true);
      expect(first.steps).toBe(stopAt);
      const last = saved[saved.length - 1]!;
      expect(last.step).toBe(stopAt);
      // The payload is what a checkpoint file holds: it survives encode / decode unchanged.
      const payload = await decodeCheckpoint(await encodeCheckpoint(last));
      const q3 = new LinearPosterior(2, 6, 999);
      const res = await new Trainer(options(q3)).fit(payload);
      expect(res.stopped).toBe(false);
      expect(weights(q3)).toEqual(weights(q1));
      expect(res.history).toEqual(fullRes.history.map((h, i) => ({ ...h, seconds: res.history[i]!.seconds })));
      for (const q of [q2, q3]) q.dispose();
    }
    q1.dispose();
  });

  it('stops at a NaN with an error naming the step and the term, keeping the last good checkpoint', async () => {
    const dir = tmp();
    const ckpt = path.join(dir, 'nan.ckpt.json');
    const q = new LinearPosterior(2, 6);
    let calls = 0;
    const poisoned: Objective = {
      name: 'poisoned',
      compute: (m, p, b, c) => {
        const r = new Elbo().compute(m, p, b, c);
        if (++calls === 9) {
          const bad = tf.tidy(() => tf.mul(r.terms.kl!, NaN)) as tf.Scalar;
          r.terms.kl!.dispose();
          r.terms.kl = bad;
        }
        return r;
      },
    };
    const t = new Trainer(options(q, { objective: poisoned, checkpointPath: ckpt, checkpointEverySteps: 4, test: undefined }));
    const err = await t.fit().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteError);
    expect((err as Error).message).toMatch(/step 8: .*term "kl" = NaN; the last good checkpoint is kept at .*nan\.ckpt\.json/);
    const saved = await loadCheckpoint(ckpt);
    expect(saved.step).toBe(8);
    q.dispose();
  });

  it('skips non-finite updates when asked, counting them', async () => {
    const q = new LinearPosterior(2, 6);
    let calls = 0;
    const flaky: Objective = {
      name: 'flaky',
      compute: (m, p, b, c) => {
        const r = new Elbo().compute(m, p, b, c);
        if (++calls % 5 === 0) {
          const bad = tf.tidy(() => tf.div(r.loss, 0)) as tf.Scalar;
          r.loss.dispose();
          r.loss = bad;
        }
        return r;
      },
    };
    const res = await new Trainer(options(q, { objective: flaky, nanPolicy: 'skip', test: undefined, epochs: 2 })).fit();
    expect(res.skippedSteps).toBe(2);
    q.dispose();
  });

  it('refuses a corrupt checkpoint with a clear error', async () => {
    const dir = tmp();
    const ckpt = path.join(dir, 'c.json');
    const q = new LinearPosterior(2, 6);
    await new Trainer(options(q, { epochs: 1, checkpointPath: ckpt, test: undefined })).fit();
    const text = fs.readFileSync(ckpt, 'utf8');
    fs.writeFileSync(ckpt, text.replace('"step":7', '"step":6'));
    await expect(loadCheckpoint(ckpt)).rejects.toThrow(/checksum mismatch/);
    fs.writeFileSync(ckpt, text.slice(0, text.length / 2));
    await expect(loadCheckpoint(ckpt)).rejects.toThrow(CheckpointError);
    await expect(loadCheckpoint(path.join(dir, 'missing.json'))).rejects.toThrow(/checkpoint not found/);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    q.dispose();
  });

  it('trains only the variables of the current phase', async () => {
    const q = new LinearPosterior(2, 6);
    const before = Array.from(q.c.dataSync());
    const t = new Trainer(options(q, {
      epochs: 2, test: undefined,
      phases: [{ name: 'a-only', epochs: { fraction: 1 }, trainable: (k) => k === 'posterior/a' }],
    }));
    await t.fit();
    expect(Array.from(q.c.dataSync())).toEqual(before);
    q.dispose();
  });

  it('validates its options', () => {
    const q = new LinearPosterior(2, 6);
    expect(() => new Trainer(options(q, { batchSize: 0 }))).toThrow(/Trainer: batchSize must be an integer >= 1, got 0/);
    expect(() => new Trainer(options(q, { learningRate: -1 }))).toThrow(/learningRate must be a finite number > 0, got -1/);
    const wrong = new LinearPosterior(2, 5);
    expect(() => new Trainer(options(wrong))).toThrow(/posterior.dataSize must equal train.dataSize = 6, got 5/);
    q.dispose();
    wrong.dispose();
  });
});
