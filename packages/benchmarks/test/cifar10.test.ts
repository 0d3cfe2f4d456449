import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '@ddvi/core';
import {
  CIFAR_DATA_SIZE, CIFAR_RECORD_BYTES, cifarRecordsToBytes, loadCifar10, loadDataset, parseCifarRecords, synthesizeCifar10,
  writeCifar10Dir, writeSyntheticCifar10,
} from '../src';
import { tempDir } from './helpers';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** n records with recognisable bytes: pixel j of image i is (7i + 3j) mod 256, label (3i) mod 10. */
function records(n: number, first = 0): { pixels: Uint8Array; labels: Uint8Array } {
  const pixels = new Uint8Array(n * CIFAR_DATA_SIZE);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = ((first + i) * 3) % 10;
    for (let j = 0; j < CIFAR_DATA_SIZE; j++) pixels[i * CIFAR_DATA_SIZE + j] = (7 * (first + i) + 3 * j) % 256;
  }
  return { pixels, labels };
}

async function folder(name: string, train = 12, test = 4): Promise<string> {
  const dir = join(tmp.dir, name);
  await writeCifar10Dir(dir, { train: records(train), test: records(test, 1000) });
  return dir;
}

describe('CIFAR-10 binary format', () => {
  it('writes 3,073-byte records (label, then the R, G, B planes) and parses them back', () => {
    const r = records(3);
    const bytes = cifarRecordsToBytes(r);
    expect(bytes.length).toBe(3 * CIFAR_RECORD_BYTES);
    expect(bytes[CIFAR_RECORD_BYTES]).toBe(r.labels[1]);
    expect(bytes[CIFAR_RECORD_BYTES + 1 + 1024]).toBe(r.pixels[CIFAR_DATA_SIZE + 1024]); // first green pixel of image 1
    const back = parseCifarRecords(bytes, 'x.bin');
    expect(Array.from(back.labels)).toEqual(Array.from(r.labels));
    expect(back.pixels).toEqual(r.pixels);
  });

  it('refuses a size that is not a whole number of records, and labels above 9, naming the file', () => {
    const bytes = cifarRecordsToBytes(records(2));
    expect(() => parseCifarRecords(bytes.subarray(0, bytes.length - 1), 'cut.bin')).toThrow(/cut\.bin: 6145 bytes is not a whole number of 3073-byte records/);
    expect(() => parseCifarRecords(new Uint8Array(0), 'e.bin')).toThrow(/e\.bin: empty/);
    const bad = bytes.slice();
    bad[CIFAR_RECORD_BYTES] = 10;
    expect(() => parseCifarRecords(bad, 'bad.bin')).toThrow(/bad\.bin: record 1 has label 10, expected a class 0\.\.9/);
  });
});

describe('loadCifar10', () => {
  it('streams the five train files in order into [0, 1] pixels (CHW) and int32 labels', async () => {
    const dir = await folder('full', 13);
    const ds = await loadCifar10({ split: 'train', dataDir: dir });
    expect(ds.size).toBe(13);
    expect(ds.dataSize).toBe(3072);
    expect(ds.numClasses).toBe(10);
    const want = records(13);
    expect(Array.from(ds.labels!())).toEqual(Array.from(want.labels));
    for (const j of [0, 1, 1023, 1024, 3071, 5 * 3072 + 77]) expect(ds.data[j]).toBeCloseTo(want.pixels[j]! / 255, 7);
    const test = await loadCifar10({ split: 'test', dataDir: dir });
    expect(test.size).toBe(4);
    expect(test.labels!()[0]).toBe((1000 * 3) % 10);
  });

  it('limit keeps the first rows; subset is seeded, in file order, and the same through loadDataset', async () => {
    const dir = await folder('sub', 20);
    const all = await loadCifar10({ split: 'train', dataDir: dir });
    const lim = await loadCifar10({ split: 'train', dataDir: dir, limit: 5 });
    expect(lim.data).toEqual(all.data.subarray(0, 5 * 3072));
    const a = await loadCifar10({ split: 'train', dataDir: dir, subset: { n: 6, seed: 3 } });
    const b = await loadDataset('cifar10', { split: 'train', dataDir: dir, subset: { n: 6, seed: 3 } });
    expect(a.data).toEqual(b.data);
    const labels = a.labels!();
    // Each kept row is one of the file's rows: find it by its first pixel (7i mod 256 is unique for i < 20).
    const rows = Array.from({ length: 6 }, (_, k) => Math.round(a.data[k * 3072]! * 255) / 7);
    expect(rows).toEqual([...rows].sort((x, y) => x - y));
    rows.forEach((i, k) => expect(labels[k]).toBe((i * 3) % 10));
    await expect(loadCifar10({ split: 'train', dataDir: dir, limit: 21 })).rejects.toThrow(/limit must be an integer in \[1, 20\]/);
  });

  it('a missing or empty folder, a missing file, a truncated file or a bad label fails with the path and where to get the files', async () => {
    const hint = /https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar\.html.*CIFAR-10 binary version|CIFAR-10 binary version.*https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar\.html/;
    await expect(loadCifar10({ split: 'train', dataDir: join(tmp.dir, 'nope') })).rejects.toThrow(hint);
    await expect(loadCifar10({ split: 'train', dataDir: join(tmp.dir, 'nope') })).rejects.toThrow(ValidationError);
    const empty = join(tmp.dir, 'empty');
    mkdirSync(empty);
    await expect(loadCifar10({ split: 'test', dataDir: empty })).rejects.toThrow(/test_batch\.bin \(the folder is empty\)/);
    const dir = await folder('broken');
    const path = join(dir, 'data_batch_3.bin');
    const good = readFileSync(path);
    writeFileSync(path, good.subarray(0, good.length - 100));
    await expect(loadCifar10({ split: 'train', dataDir: dir })).rejects.toThrow(/data_batch_3\.bin: .* is not a whole number of 3073-byte records/);
    const bad = Uint8Array.from(good);
    bad[CIFAR_RECORD_BYTES] = 200;
    writeFileSync(path, bad);
    await expect(loadCifar10({ split: 'train', dataDir: dir })).rejects.toThrow(/data_batch_3\.bin: record 1 has label 200/);
    await expect(loadCifar10({ split: 'test', dataDir: dir })).resolves.toBeDefined(); // the test split does not read it
  });
});

describe('synthesizeCifar10', () => {
  it('is seeded, balanced, and its classes differ in mean colour far more than images within a class', async () => {
    const a = synthesizeCifar10({ trainSize: 200, testSize: 20, seed: 5 });
    const b = synthesizeCifar10({ trainSize: 200, testSize: 20, seed: 5 });
    expect(a.train.pixels).toEqual(b.train.pixels);
    expect(a.test.pixels).not.toEqual(a.train.pixels.subarray(0, a.test.pixels.length));
    expect(synthesizeCifar10({ trainSize: 200, testSize: 20, seed: 6 }).train.pixels).not.toEqual(a.train.pixels);
    // Per-class mean image; the between-class spread of the means must dwarf the noise of a mean of 20.
    const mean = Array.from({ length: 10 }, () => new Float64Array(CIFAR_DATA_SIZE));
    for (let i = 0; i < 200; i++) for (let j = 0; j < CIFAR_DATA_SIZE; j++) mean[i % 10]![j]! += a.train.pixels[i * CIFAR_DATA_SIZE + j]! / 20;
    let minDist = Infinity;
    for (let c = 0; c < 10; c++) {
      for (let d = c + 1; d < 10; d++) {
        let s = 0;
        for (let j = 0; j < CIFAR_DATA_SIZE; j++) s += (mean[c]![j]! - mean[d]![j]!) ** 2;
        minDist = Math.min(minDist, Math.sqrt(s));
      }
    }
    // Pixel noise alone (+-0.04 x 255 uniform, sd ~6, averaged over 20) would put two means ~sqrt(3072 * 2 * 36 / 20) = 105 apart.
    expect(minDist).toBeGreaterThan(500);
    const dir = join(tmp.dir, 'synthetic');
    await writeSyntheticCifar10(dir, { trainSize: 25, testSize: 5, seed: 5 });
    const ds = await loadCifar10({ split: 'train', dataDir: dir });
    expect(ds.size).toBe(25);
    expect(Array.from(ds.labels!().slice(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
  });
});
