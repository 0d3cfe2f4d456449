import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError, initBackend } from '@ddvi/core';
import { listDatasets, loadDataset, makeToyDataset, makeToyGenerator } from '../src';

beforeAll(async () => {
  await initBackend();
});

describe('toy dataset', () => {
  it('is deterministic in its seed, values in (0,1), shape n x dataSize', () => {
    const a = makeToyDataset({ n: 200, dataSize: 16, seed: 5 });
    const b = makeToyDataset({ n: 200, dataSize: 16, seed: 5 });
    const c = makeToyDataset({ n: 200, dataSize: 16, seed: 6 });
    expect(a.name).toBe('toy');
    expect(a.size).toBe(200);
    expect(a.dataSize).toBe(16);
    expect(a.labels).toBeUndefined();
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.data)).not.toEqual(Array.from(c.data));
    expect(a.data.every((v) => v > 0 && v < 1)).toBe(true);
    // Not degenerate: features vary across examples.
    const col = Array.from({ length: 200 }, (_, i) => a.data[i * 16]!);
    expect(Math.max(...col) - Math.min(...col)).toBeGreaterThan(0.3);
  });

  it('uses the given latents: x = sigmoid(A z + b) of the generator with the same seed', () => {
    const latents = new Float32Array([0, 0, 1, -2, 3, 0.5]);
    const ds = makeToyDataset({ latents, dataSize: 8, seed: 1, labels: new Int32Array([0, 1, 1]) });
    expect(ds.size).toBe(3);
    expect(ds.numClasses).toBe(2);
    const gen = makeToyGenerator({ dataSize: 8, seed: 1 });
    expect(gen.weights.length).toBe(16);
    const expected = gen.decode(latents);
    expect(Array.from(ds.data)).toEqual(Array.from(expected));
    // Row 0 has z = 0, so x = sigmoid(b).
    for (let j = 0; j < 8; j++) expect(ds.data[j]).toBeCloseTo(1 / (1 + Math.exp(-gen.bias[j]!)), 6);
  });

  it('noise changes the data deterministically', () => {
    const clean = makeToyDataset({ n: 10, dataSize: 4, seed: 2 });
    const noisy1 = makeToyDataset({ n: 10, dataSize: 4, seed: 2, noise: 0.3 });
    const noisy2 = makeToyDataset({ n: 10, dataSize: 4, seed: 2, noise: 0.3 });
    expect(Array.from(noisy1.data)).toEqual(Array.from(noisy2.data));
    expect(Array.from(noisy1.data)).not.toEqual(Array.from(clean.data));
  });

  it('validates its options', () => {
    expect(() => makeToyDataset({ latents: new Float32Array(3) })).toThrow('latents must be a non-empty Float32Array of length n × 2');
    expect(() => makeToyDataset({ latents: new Float32Array(4), n: 3 })).toThrow('n is 3 but latents hold 2 rows');
    expect(() => makeToyDataset({ n: 0 })).toThrow('n must be an integer >= 1, got 0');
    expect(() => makeToyDataset({ seed: -1 })).toThrow('seed must be an integer in [0, 2^32), got -1');
    expect(() => makeToyDataset({ noise: -1 })).toThrow('noise must be a finite number >= 0, got -1');
  });

  it('batches leak no tensors', () => {
    const ds = makeToyDataset({ n: 64, dataSize: 8 });
    const before = tf.memory().numTensors;
    const { x } = ds.batch(new Int32Array([0, 63, 7]));
    expect(x.shape).toEqual([3, 8]);
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('loadDataset', () => {
  it('lists the known datasets', () => {
    expect(listDatasets()).toEqual(['mnist', 'toy', 'genotypes', 'cifar10']);
  });

  it('loads by name', async () => {
    const toy = await loadDataset('toy', { n: 10, dataSize: 4, seed: 3 });
    expect(Array.from(toy.data)).toEqual(Array.from(makeToyDataset({ n: 10, dataSize: 4, seed: 3 }).data));
    const mnist = await loadDataset('mnist', { split: 'test', limit: 5 });
    expect(mnist.size).toBe(5);
    expect(mnist.labels!()[0]).toBe(7);
    const fromString = await loadDataset('toy' as string);
    expect(fromString.size).toBe(2000);
  });

  it('an unknown name fails listing the known ones', async () => {
    const err = await loadDataset('cifar100' as string, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toBe('loadDataset: unknown dataset "cifar100"; known datasets: mnist, toy, genotypes, cifar10');
    await expect(loadDataset('toString' as string)).rejects.toThrow('unknown dataset "toString"');
  });
});
