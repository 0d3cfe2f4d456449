import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError, initBackend } from '@ddvi/core';
import type { Dataset } from '@ddvi/core';
import { TensorDataset } from '../src';

beforeAll(async () => {
  await initBackend();
});

/** 5 examples of 3 features: row i is [10i, 10i+1, 10i+2]. */
function small(labelled = true): TensorDataset {
  const data = new Float32Array(15).map((_, k) => 10 * Math.floor(k / 3) + (k % 3));
  return new TensorDataset({ name: 'small', data, dataSize: 3, labels: labelled ? new Int32Array([0, 1, 2, 1, 0]) : undefined });
}

describe('TensorDataset', () => {
  it('implements Dataset: size, dataSize, numClasses inferred from labels', () => {
    const ds: Dataset = small();
    expect(ds.name).toBe('small');
    expect(ds.size).toBe(5);
    expect(ds.dataSize).toBe(3);
    expect(ds.numClasses).toBe(3);
    expect(Array.from(ds.labels!())).toEqual([0, 1, 2, 1, 0]);
  });

  it('batch gathers the rows at the indices, in order, with duplicates, as float32 / int32 tensors', () => {
    const ds = small();
    const before = tf.memory().numTensors;
    const { x, label } = ds.batch(new Int32Array([4, 0, 4, 2]));
    expect(x.shape).toEqual([4, 3]);
    expect(x.dtype).toBe('float32');
    expect(Array.from(x.dataSync())).toEqual([40, 41, 42, 0, 1, 2, 40, 41, 42, 20, 21, 22]);
    expect(label!.dtype).toBe('int32');
    expect(Array.from(label!.dataSync())).toEqual([0, 0, 0, 2]);
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([x, label!]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('batch of an unlabelled dataset has no label and creates one tensor', () => {
    const ds = small(false);
    expect(ds.numClasses).toBeUndefined();
    expect(ds.labels).toBeUndefined();
    const before = tf.memory().numTensors;
    const b = ds.batch(new Int32Array([1]));
    expect(b.label).toBeUndefined();
    expect(Array.from(b.x.dataSync())).toEqual([10, 11, 12]);
    b.x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('many batches leak no tensors and do not alias the host data', () => {
    const ds = small();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) {
      const { x, label } = ds.batch(new Int32Array([i % 5, (i + 1) % 5]));
      tf.dispose([x, label!]);
    }
    expect(tf.memory().numTensors).toBe(before);
    const { x } = ds.batch(new Int32Array([0]));
    ds.data[0] = 999;
    expect(x.dataSync()[0]).toBe(0);
    x.dispose();
  });

  it('rejects out-of-range and non-Int32Array indices without creating tensors', () => {
    const ds = small();
    const before = tf.memory().numTensors;
    expect(() => ds.batch(new Int32Array([0, 5]))).toThrow('TensorDataset(small).batch: indices[1] must be an index in [0, 5), got 5');
    expect(() => ds.batch(new Int32Array([-1]))).toThrow('indices[0] must be an index in [0, 5), got -1');
    expect(() => ds.batch([0, 1] as unknown as Int32Array)).toThrow('indices must be an Int32Array');
    expect(() => ds.batch(new Int32Array([9]))).toThrow(ValidationError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('labels() returns a copy', () => {
    const ds = small();
    ds.labels!()[0] = 2;
    expect(ds.labels!()[0]).toBe(0);
  });

  it('subset copies the chosen rows', () => {
    const sub = small().subset(new Int32Array([3, 1]), 'sub');
    expect(sub.name).toBe('sub');
    expect(sub.size).toBe(2);
    expect(sub.numClasses).toBe(3);
    expect(Array.from(sub.data)).toEqual([30, 31, 32, 10, 11, 12]);
    expect(Array.from(sub.labels!())).toEqual([1, 1]);
  });

  it('constructor validates lengths and names the argument', () => {
    const data = new Float32Array(6);
    expect(() => new TensorDataset({ name: 'd', data, dataSize: 4 })).toThrow(
      'TensorDataset(d): data must be of a length divisible by dataSize 4 (size × dataSize), got length 6',
    );
    expect(() => new TensorDataset({ name: 'd', data, dataSize: 3, labels: new Int32Array(3) })).toThrow(
      'TensorDataset(d): labels must be of length 2 (one per example: data.length / dataSize), got length 3',
    );
    expect(() => new TensorDataset({ name: 'd', data, dataSize: 0 })).toThrow('dataSize must be an integer >= 1, got 0');
    expect(() => new TensorDataset({ name: 'd', data: [1, 2] as unknown as Float32Array, dataSize: 1 })).toThrow(
      'data must be a Float32Array, got [object Array]',
    );
    expect(() => new TensorDataset({ name: 'd', data, dataSize: 3, labels: new Int32Array([0, 10]), numClasses: 10 })).toThrow(
      'labels[1] must be a class index in [0, 10) (numClasses), got 10',
    );
    expect(() => new TensorDataset({ name: 'd', data, dataSize: 3, labels: new Int32Array([0, -1]) })).toThrow(
      'labels[1] must be a class index >= 0, got -1',
    );
    expect(() => new TensorDataset({ name: 'd', data, dataSize: 3, numClasses: 2 })).toThrow('numClasses was given (2) but no labels');
  });
});
