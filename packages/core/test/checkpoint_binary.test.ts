import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CheckpointError, decodeCheckpoint, deserializeTensor, encodeCheckpoint, loadCheckpoint, saveCheckpoint, serializeTensor } from '../src';
import type { CheckpointPayload } from '../src';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'ddvi-checkpoint-'));

/** A payload as the trainer makes one: weights and Adam moments from tensors, run state, nested settings. */
function payload(): CheckpointPayload {
  const t = (shape: number[], seed: number, dtype: 'float32' | 'int32' = 'float32') => {
    const x = dtype === 'int32' ? tf.tensor(Int32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i * 7 - seed), shape, 'int32') : tf.randomNormal(shape, 0, 1, 'float32', seed);
    const s = serializeTensor(x);
    x.dispose();
    return s;
  };
  return {
    step: 12, epoch: 1, stepInEpoch: 5, seed: 3, settings: { batchSize: 32, phases: 'joint', nested: { list: [1, 'a', null] } },
    model: { kind: 'mnist', config: { width: 7 }, weights: { 'dec.w': t([3, 5], 1), 'dec.b': t([5], 2), empty: t([0, 4], 3) } },
    posterior: { kind: 'iaf', config: {}, weights: { 'enc.w': t([5, 3], 4), counts: t([6], 5, 'int32') } },
    optimizers: { main: { step: 12, m: { 'dec.w': t([3, 5], 6) }, v: { 'dec.w': t([3, 5], 7) } } } as unknown as CheckpointPayload['optimizers'],
    history: [{ epoch: 0, phase: 'joint', train: { bound: -12.5 }, test: { bound: -13.25 }, seconds: 0.5 }],
    skippedSteps: 1, partialEpoch: { sums: { bound: -60 }, counted: 5 },
  };
}

/** The payload as plain JSON values (base64 strings for the weights): what both forms must give back. */
const plain = (p: CheckpointPayload) => JSON.parse(JSON.stringify(p)) as unknown;

describe('binary checkpoint file', () => {
  it('round-trips every field and every tensor exactly, and matches the JSON form', async () => {
    const dir = tmp();
    const p = payload();
    await saveCheckpoint(path.join(dir, 'c.ckpt'), p);
    await saveCheckpoint(path.join(dir, 'c.json'), p);
    const binary = await loadCheckpoint(path.join(dir, 'c.ckpt'));
    const text = await loadCheckpoint(path.join(dir, 'c.json'));
    expect(plain(binary)).toEqual(plain(p));
    expect(plain(text)).toEqual(plain(p));
    // The .json path holds exactly encodeCheckpoint's text.
    expect(fs.readFileSync(path.join(dir, 'c.json'), 'utf8')).toBe(await encodeCheckpoint(p));
    // The binary file holds the raw bytes: smaller than base64.
    expect(fs.statSync(path.join(dir, 'c.ckpt')).size).toBeLessThan(fs.statSync(path.join(dir, 'c.json')).size);
    const w = deserializeTensor(binary.posterior.weights['counts']!);
    expect(w.dtype).toBe('int32');
    expect(Array.from(w.dataSync())).toEqual([-5, 2, 9, 16, 23, 30]);
    w.dispose();
  });

  it('writes a payload read back from the JSON form (base64 tensors) as binary, the same values', async () => {
    const dir = tmp();
    const fromText = await decodeCheckpoint(await encodeCheckpoint(payload()));
    await saveCheckpoint(path.join(dir, 'c.ckpt'), fromText);
    expect(plain(await loadCheckpoint(path.join(dir, 'c.ckpt')))).toEqual(plain(payload()));
  });

  it('refuses a flipped byte, a truncated file and a broken header, naming the file', async () => {
    const dir = tmp();
    const file = path.join(dir, 'c.ckpt');
    await saveCheckpoint(file, payload());
    const good = fs.readFileSync(file);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 3]! ^= 0x40;
    fs.writeFileSync(file, flipped);
    await expect(loadCheckpoint(file)).rejects.toThrow(CheckpointError);
    await expect(loadCheckpoint(file)).rejects.toThrow(/c\.ckpt: checksum mismatch/);
    fs.writeFileSync(file, good.subarray(0, good.length - 10));
    await expect(loadCheckpoint(file)).rejects.toThrow(/c\.ckpt: expected \d+ bytes after the header, found \d+; the file is truncated/);
    const header = good.indexOf(10);
    fs.writeFileSync(file, Buffer.concat([good.subarray(0, header - 2), good.subarray(header)]));
    await expect(loadCheckpoint(file)).rejects.toThrow(/c\.ckpt: the header line is not valid JSON/);
    fs.writeFileSync(file, good);
    expect((await loadCheckpoint(file)).step).toBe(12);
  });

  it('leaves no temp file beside the checkpoint', async () => {
    const dir = tmp();
    await saveCheckpoint(path.join(dir, 'c.ckpt'), payload());
    expect(fs.readdirSync(dir)).toEqual(['c.ckpt']);
  });
});
