import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError, initBackend } from '@ddvi/core';
import { TensorDataset, withLabelBudget } from '../src';

beforeAll(async () => {
  await initBackend();
});

function labelled(n: number): TensorDataset {
  return new TensorDataset({ name: 'digits', data: new Float32Array(n * 2).map((_, k) => k), dataSize: 2, labels: Int32Array.from({ length: n }, (_, i) => i % 4) });
}

describe('withLabelBudget', () => {
  it('keeps exactly n labels (seeded), shows K elsewhere, and leaves labels() and x untouched', () => {
    const ds = labelled(100);
    const semi = withLabelBudget(ds, { labelled: 10, seed: 3 });
    expect(semi.labelledIndices.length).toBe(10);
    expect(new Set(semi.labelledIndices).size).toBe(10);
    expect(Array.from(withLabelBudget(ds, { labelled: 10, seed: 3 }).labelledIndices)).toEqual(Array.from(semi.labelledIndices));
    expect(Array.from(withLabelBudget(ds, { labelled: 10, seed: 4 }).labelledIndices)).not.toEqual(Array.from(semi.labelledIndices));
    const all = Int32Array.from({ length: 100 }, (_, i) => i);
    const before = tf.memory().numTensors;
    const { x, label } = semi.batch(all);
    const shown = Array.from(label!.dataSync());
    const keep = new Set(semi.labelledIndices);
    shown.forEach((c, i) => expect(c).toBe(keep.has(i) ? i % 4 : 4));
    expect(shown.filter((c) => c < 4).length).toBe(10);
    expect(Array.from(x.dataSync().slice(0, 4))).toEqual([0, 1, 2, 3]);
    tf.dispose([x, label!]);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(semi.labels!())).toEqual(Array.from(ds.labels!()));
    expect(semi.numClasses).toBe(4);
  });

  it('0 hides every label; the whole set keeps all of them', () => {
    const ds = labelled(20);
    const idx = Int32Array.from({ length: 20 }, (_, i) => i);
    const none = withLabelBudget(ds, { labelled: 0, seed: 1 }).batch(idx);
    expect(Array.from(none.label!.dataSync()).every((c) => c === 4)).toBe(true);
    const full = withLabelBudget(ds, { labelled: 20, seed: 1 }).batch(idx);
    expect(Array.from(full.label!.dataSync())).toEqual(Array.from(ds.labels!()));
    tf.dispose([none.x, none.label!, full.x, full.label!]);
  });

  it('rejects a budget outside [0, size] and an unlabelled dataset, naming the parameter', () => {
    const ds = labelled(20);
    expect(() => withLabelBudget(ds, { labelled: 21, seed: 0 })).toThrow(/labelled must be an integer in \[0, 20\]/);
    expect(() => withLabelBudget(ds, { labelled: 1.5, seed: 0 })).toThrow(ValidationError);
    const plain = new TensorDataset({ name: 'plain', data: new Float32Array(4), dataSize: 2 });
    expect(() => withLabelBudget(plain, { labelled: 1, seed: 0 })).toThrow(/has no labels/);
  });
});
