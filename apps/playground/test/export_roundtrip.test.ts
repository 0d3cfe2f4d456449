import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Elbo, evaluate, initBackend } from '@ddvi/core';
import type { TrainEvent } from '@ddvi/core';
import { beforeAll, describe, expect, it } from 'vitest';
import '../src/worker/families';
import { DEFAULT_RAW, validateSettings } from '../src/settings';
import type { PlaygroundSettings } from '../src/settings';
import { loadPlaygroundSplits } from '../src/worker/data';
import { PlaygroundSession } from '../src/worker/session';
import { APP_ROOT } from './browser';

// The worker's session, driven in Node: what the page exports is what `ddvi eval` reads, and a
// stopped-then-resumed run ends where an uninterrupted one does.
const CLI = join(APP_ROOT, 'node_modules/@ddvi/cli/dist/bin.js');

function settings(patch: Partial<typeof DEFAULT_RAW>): PlaygroundSettings {
  const r = validateSettings({ ...DEFAULT_RAW, steps: '60', hidden: '32, 32', ...patch }, {
    posteriors: ['gaussian', 'iaf'], priors: [{ name: 'pinwheel', latentSize: 2 }],
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.settings;
}

async function session(s: PlaygroundSettings): Promise<PlaygroundSession> {
  return new PlaygroundSession(s, await loadPlaygroundSplits(s.dataset, s.prior, s.latentSize, 'http://unused/'));
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('PlaygroundSession', () => {
  it('stops on the signal and resumes to the weights of an uninterrupted run', async () => {
    const s = settings({ posterior: 'gaussian' });
    const full = await session(s);
    const fullResult = await full.run(() => undefined, new AbortController().signal);
    expect(fullResult).toMatchObject({ steps: 60, stopped: false });
    expect(full.finished).toBe(true);

    const split = await session(s);
    const stop = new AbortController();
    const first = await split.run((e: TrainEvent) => e.type === 'step' && e.step === 25 && stop.abort(), stop.signal);
    expect(first).toMatchObject({ steps: 25, stopped: true });
    expect(split.finished).toBe(false);
    const tensorsBefore = tf.memory().numTensors;
    const second = await split.run(() => undefined, new AbortController().signal, true);
    expect(second).toMatchObject({ steps: 60, stopped: false });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    const weights = (p: PlaygroundSession) => Object.values(p.posterior.namedVariables()).map((v) => Array.from(v.dataSync()));
    expect(weights(split)).toEqual(weights(full));
    for (const p of [full, split]) p.dispose();
  });

  it('exports a checkpoint and run.json that `ddvi eval` reads, with the ELBO the session computes', async () => {
    // 60 steps of batch 100 over 5,000 examples: 2 epochs of 30.
    const s = settings({ posterior: 'iaf', seed: '3' });
    const p = await session(s);
    await p.run(() => undefined, new AbortController().signal);
    const files = await p.exportRun();
    expect(files.step).toBe(60);
    const dir = mkdtempSync(join(tmpdir(), 'ddvi-playground-export-'));
    writeFileSync(join(dir, 'checkpoint.json'), files.checkpoint);
    writeFileSync(join(dir, 'run.json'), files.run);
    // ddvi eval takes the dataset, its test subset and the seed from run.json beside the checkpoint.
    const out = execFileSync(process.execPath, [CLI, 'eval', '--checkpoint', join(dir, 'checkpoint.json'), '--iwae-k', '0', '--backend', 'wasm'], { encoding: 'utf8' });
    expect(out).toContain('(iaf posterior, step 60, epoch 2)');
    expect(out).toContain('data: toy-test 1000 examples');
    const evalRecord = JSON.parse(readFileSync(join(dir, 'eval.json'), 'utf8')) as { elbo: number; seed: number };
    expect(evalRecord.seed).toBe(3);
    const own = evaluate(p.model, p.posterior, new Elbo(), p.data.test, { seed: 3 }).bound!;
    // Same weights, data, seed and backend: equal up to float32 summation order.
    expect(evalRecord.elbo).toBeCloseTo(own, 3);
    p.dispose();
  });

  it('snapshots the latents of 1,000 test examples with labels, 1,000 prior samples and a 10 x 10 decoded grid', async () => {
    const p = await session(settings({ steps: '5' }));
    const before = tf.memory().numTensors;
    const snap = p.snapshot(0);
    expect(tf.memory().numTensors).toBe(before);
    expect(snap.latents.length).toBe(2000);
    // 1,000 prior samples, inside the extent the scatter and the grid share; the pinwheel prior
    // spreads over a few units, far wider than the untrained encoder's latents.
    expect(snap.prior.length).toBe(2000);
    const [px0, px1, py0, py1] = snap.grid.extent;
    for (let i = 0; i < snap.prior.length; i += 2) {
      expect(snap.prior[i]!).toBeGreaterThanOrEqual(px0);
      expect(snap.prior[i]!).toBeLessThanOrEqual(px1);
      expect(snap.prior[i + 1]!).toBeGreaterThanOrEqual(py0);
      expect(snap.prior[i + 1]!).toBeLessThanOrEqual(py1);
    }
    let spread = 0;
    for (let i = 0; i < snap.prior.length; i++) spread = Math.max(spread, Math.abs(snap.prior[i]!));
    expect(spread).toBeGreaterThan(1);
    expect(snap.labels?.length).toBe(1000);
    expect(snap.numClasses).toBe(10);
    expect(snap.grid).toMatchObject({ side: 10, rows: 8, cols: 8 });
    expect(snap.grid.images.length).toBe(100 * 64);
    expect(snap.grid.images.every((v) => v > 0 && v < 1)).toBe(true);
    const [x0, x1, y0, y1] = snap.grid.extent;
    expect(x1 - x0).toBeCloseTo(y1 - y0, 6);
    p.dispose();
  });
});
