import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Elbo, NonFiniteError, Trainer, loadCheckpoint } from '../src';
import type { Batch, Dataset, Objective, TrainEvent, TrainerOptions } from '../src';
import { LinearGaussianModel, referenceLinearGaussian, testSeed } from '../src/testing';
import { LinearPosterior } from './fixtures';

/**
 * NaN and Inf injected into the data, the parameters and the gradients: the guard names the
 * quantity (and, when it can tell, the cause), stops or skips under the chosen policy, and the
 * last good checkpoint stays byte-for-byte intact, verifies (SHA-256) and resumes.
 */

let model: LinearGaussianModel;
let data: Dataset;
beforeAll(() => {
  model = referenceLinearGaussian();
  data = model.sampleDataset(200, testSeed());
});

const BAD_EXAMPLE = 17;

/** `data` with one value of example BAD_EXAMPLE replaced by `value` from the `after`-th batch on (a file that goes bad mid-run). */
function poisonedData(value: number, after = 0): Dataset {
  let served = 0;
  return {
    name: 'poisoned', size: data.size, dataSize: data.dataSize,
    batch(indices: Int32Array): Batch {
      const b = data.batch(indices);
      const row = indices.indexOf(BAD_EXAMPLE);
      if (served++ < after || row < 0) return b;
      const values = b.x.dataSync().slice();
      values[row * b.x.shape[1] + 2] = value;
      const x = tf.tensor2d(values, b.x.shape);
      b.x.dispose();
      return { ...b, x };
    },
  };
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'ddvi-nonfinite-'));
const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function options(q: LinearPosterior, extra: Partial<TrainerOptions> = {}): TrainerOptions {
  return { model, posterior: q, objective: new Elbo(), train: data, batchSize: 32, epochs: 3, learningRate: 1e-2, seed: 5, ...extra };
}

/** Runs fit() and returns its error, checking it is a NonFiniteError. */
async function failure(t: Trainer): Promise<NonFiniteError> {
  const e = await t.fit().catch((err: unknown) => err);
  expect(e).toBeInstanceOf(NonFiniteError);
  return e as NonFiniteError;
}

/** Records the checkpoint file's hash each time the trainer reports writing it. */
function checkpointWatcher(file: string) {
  const hashes: { step: number; sha: string }[] = [];
  return { hashes, onEvent: (e: TrainEvent) => void (e.type === 'checkpoint' && hashes.push({ step: e.step, sha: sha(file) })) };
}

describe('non-finite guard', () => {
  for (const value of [Number.NaN, Number.POSITIVE_INFINITY]) {
    it(`${value} in the data: stops naming the examples; the last good checkpoint verifies and resumes to the clean run's numbers`, async () => {
      const dir = tmp();
      const ckpt = path.join(dir, 'run.ckpt.json');
      const watch = checkpointWatcher(ckpt);
      const q = new LinearPosterior(2, 6);
      const e = await failure(new Trainer(options(q, { train: poisonedData(value, 7), checkpointPath: ckpt, checkpointEverySteps: 2, onEvent: watch.onEvent })));
      expect(e.message).toMatch(/non-finite value at step \d+: phase:\S+ (term "\w+"|loss) = (NaN|-?Infinity), caused by the data: 1 non-finite value\(s\) in training example\(s\) 17; the last good checkpoint is kept at .*run\.ckpt\.json/);
      expect(e.origin).toContain('example(s) 17');
      // Untouched since the trainer last wrote it, and its checksum verifies on load.
      expect(sha(ckpt)).toBe(watch.hashes.at(-1)!.sha);
      const saved = await loadCheckpoint(ckpt);
      expect(saved.step).toBe(e.step);
      q.dispose();

      // Resuming from it with clean data ends exactly where an uninterrupted clean run ends.
      const clean = new LinearPosterior(2, 6);
      const full = await new Trainer(options(clean)).fit();
      const fullWeights = Object.values(clean.namedVariables()).map((v) => Array.from(v.dataSync()));
      const resumedQ = new LinearPosterior(2, 6);
      const resumed = await new Trainer(options(resumedQ)).fit(ckpt);
      expect(resumed.history.map((r) => r.train)).toEqual(full.history.map((r) => r.train));
      expect(Object.values(resumedQ.namedVariables()).map((v) => Array.from(v.dataSync()))).toEqual(fullWeights);
      clean.dispose();
      resumedQ.dispose();
    });
  }

  it('NaN in the data under nanPolicy "skip": the batches holding it are skipped and counted, training finishes', async () => {
    const q = new LinearPosterior(2, 6);
    const skips: TrainEvent[] = [];
    const res = await new Trainer(options(q, { train: poisonedData(Number.NaN), nanPolicy: 'skip', onEvent: (e) => void (e.type === 'skip' && skips.push(e)) })).fit();
    // Example 17 is in exactly one batch per epoch.
    expect(res.skippedSteps).toBe(3);
    expect(skips).toHaveLength(3);
    for (const s of skips) expect(s).toMatchObject({ type: 'skip', origin: expect.stringContaining('training example(s) 17') });
    for (const v of Object.values(q.namedVariables())) expect(Array.from(v.dataSync()).every(Number.isFinite)).toBe(true);
    q.dispose();
  });

  it('a parameter set to Inf between steps: no checkpoint is written over the good one, and the error names the parameter', async () => {
    const dir = tmp();
    const ckpt = path.join(dir, 'p.ckpt.json');
    const q = new LinearPosterior(2, 6);
    const watch = checkpointWatcher(ckpt);
    const onEvent = (ev: TrainEvent) => {
      watch.onEvent(ev);
      // After step 4's update and before its checkpoint.
      if (ev.type === 'step' && ev.step === 4) tf.tidy(() => q.c.assign(tf.tensor1d([Number.POSITIVE_INFINITY, 0])));
    };
    const e = await failure(new Trainer(options(q, { checkpointPath: ckpt, checkpointEverySteps: 2, onEvent })));
    expect(e.message).toMatch(/caused by parameter posterior\/c \(1 of 2 values non-finite\); the last good checkpoint is kept at/);
    expect(watch.hashes.map((h) => h.step)).toEqual([2]);
    expect(sha(ckpt)).toBe(watch.hashes[0]!.sha);
    expect((await loadCheckpoint(ckpt)).step).toBe(2);
    q.dispose();
  });

  it('a parameter NaN under nanPolicy "skip": every update is skipped until maxSkips, then it stops saying so', async () => {
    const q = new LinearPosterior(2, 6);
    tf.tidy(() => q.logScale.assign(tf.tensor1d([Number.NaN, -0.5])));
    const e = await failure(new Trainer(options(q, { nanPolicy: 'skip', maxSkips: 4 })));
    expect(e.step).toBe(4);
    expect(e.message).toMatch(/after 4 skipped updates: the maxSkips limit\) = NaN, caused by parameter posterior\/logScale \(1 of 2 values non-finite\); no checkpoint was written yet/);
    q.dispose();
  });

  it('a NaN gradient with a finite loss: names the variable whose gradient it is', async () => {
    const q = new LinearPosterior(2, 6);
    let calls = 0;
    // The value passes through unchanged; its gradient is NaN on the 6th call only.
    const nanGrad = tf.customGrad(((x: tf.Tensor) => ({
      value: tf.clone(x),
      gradFunc: (dy: tf.Tensor) => [calls === 6 ? tf.mul(dy, Number.NaN) : dy],
    })) as unknown as Parameters<typeof tf.customGrad>[0]);
    const objective: Objective = {
      name: 'nan-grad',
      compute: (m, p, b, c) => {
        calls++;
        const r = new Elbo().compute(m, p, b, c);
        const loss = tf.tidy(() => tf.add(r.loss, tf.sum(tf.mul(0.0, nanGrad(q.a) as tf.Tensor)))) as tf.Scalar;
        r.loss.dispose();
        return { ...r, loss };
      },
    };
    const e = await failure(new Trainer(options(q, { objective })));
    expect(e.step).toBe(5);
    expect(e.term).toBe('phase:train gradient of posterior/a');
    expect(e.origin).toBeUndefined();
    q.dispose();
  });

  it('validates the policy options', () => {
    const q = new LinearPosterior(2, 6);
    expect(() => new Trainer(options(q, { nanPolicy: 'ignore' as 'skip' }))).toThrow('Trainer: nanPolicy must be "stop" or "skip", got "ignore"');
    expect(() => new Trainer(options(q, { maxSkips: -1 }))).toThrow('Trainer: maxSkips must be an integer >= 0, got -1');
    q.dispose();
  });
});
