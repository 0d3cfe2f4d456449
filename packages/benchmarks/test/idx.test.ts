import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError, initBackend } from '@ddvi/core';
import { parseIdx, readIdxFile } from '../src';
import { encodeIdx, fakePixels, tempDir } from './helpers';

const tmp = tempDir();

beforeAll(async () => {
  await initBackend();
});
afterAll(() => tmp.cleanup());

describe('IDX parsing', () => {
  it('reads ubyte images 3x28x28 and their labels', async () => {
    const pixels = fakePixels(3);
    const images = await readIdxFile(tmp.write('imgs-idx3-ubyte', encodeIdx('uint8', [3, 28, 28], pixels)));
    expect(images.dtype).toBe('uint8');
    expect(images.shape).toEqual([3, 28, 28]);
    expect(images.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(images.data)).toEqual(Array.from(pixels));

    const labels = await readIdxFile(tmp.write('labels-idx1-ubyte', encodeIdx('uint8', [3], [7, 2, 1])));
    expect(labels.shape).toEqual([3]);
    expect(Array.from(labels.data)).toEqual([7, 2, 1]);
  });

  it('reads float32 big-endian data', async () => {
    const values = [0.5, -1.25, 3.0e10, 1e-20, 0, 42];
    const a = await readIdxFile(tmp.write('f32.idx', encodeIdx('float32', [2, 3], values)));
    expect(a.dtype).toBe('float32');
    expect(a.shape).toEqual([2, 3]);
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(Array.from(a.data)).toEqual(Array.from(new Float32Array(values)));
  });

  it('reads the other dtypes: int8, int16, int32, float64', () => {
    const cases = [
      ['int8', [-128, -1, 0, 127], Int8Array],
      ['int16', [-32768, -2, 300, 32767], Int16Array],
      ['int32', [-2147483648, -5, 70000, 2147483647], Int32Array],
      ['float64', [Math.PI, -1e300, 5e-324, 0], Float64Array],
    ] as const;
    for (const [dtype, values, ctor] of cases) {
      const a = parseIdx(encodeIdx(dtype, [4], values));
      expect(a.dtype).toBe(dtype);
      expect(a.data).toBeInstanceOf(ctor);
      expect(Array.from(a.data)).toEqual(values);
    }
  });

  it('gunzips files whose name ends in .gz', async () => {
    const pixels = fakePixels(3);
    const a = await readIdxFile(tmp.write('imgs-idx3-ubyte.gz', encodeIdx('uint8', [3, 28, 28], pixels), true));
    expect(a.shape).toEqual([3, 28, 28]);
    expect(Array.from(a.data)).toEqual(Array.from(pixels));
  });

  it('does not alias the input bytes', () => {
    const bytes = encodeIdx('uint8', [2], [1, 2]);
    const a = parseIdx(bytes);
    bytes[8] = 99;
    expect(Array.from(a.data)).toEqual([1, 2]);
  });
});

describe('IDX errors', () => {
  it('missing file: names the path', async () => {
    const path = join(tmp.dir, 'nope-idx1-ubyte');
    await expect(readIdxFile(path)).rejects.toThrow(`IDX file not found: ${path}`);
    await expect(readIdxFile(path, { what: 'MNIST', notFoundHint: 'pass --data-dir' })).rejects.toThrow(
      `MNIST file not found: ${path}; pass --data-dir`,
    );
    await expect(readIdxFile(path)).rejects.toBeInstanceOf(ValidationError);
  });

  it('wrong magic number: says what was found', () => {
    const bytes = encodeIdx('uint8', [2], [1, 2]);
    bytes[0] = 0x12;
    bytes[1] = 0x34;
    expect(() => parseIdx(bytes, 'bad.idx')).toThrow(/bad\.idx: wrong magic number: expected 0x0000.*found 0x12340801/);
  });

  it('wrong magic number on gzip bytes without a .gz name hints at gzip', async () => {
    const path = tmp.write('zipped-but-plain-name', encodeIdx('uint8', [2], [1, 2]), true);
    await expect(readIdxFile(path)).rejects.toThrow(/wrong magic number.*found 0x1f8b.*gzip-compressed/);
  });

  it('unknown dtype byte', () => {
    const bytes = encodeIdx('uint8', [2], [1, 2]);
    bytes[2] = 0x0a;
    expect(() => parseIdx(bytes)).toThrow(/unknown dtype byte 0x0a.*expected one of 0x08 uint8/);
  });

  it('too short for the header', () => {
    expect(() => parseIdx(new Uint8Array([0, 0, 8]))).toThrow(/at least the 4-byte header.*only 3 bytes/);
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1]))).toThrow(/declares 3 dimensions \(16 header bytes\).*only 8 bytes/);
  });

  it('truncated data: names declared and available byte counts', async () => {
    const full = encodeIdx('uint8', [3, 28, 28], fakePixels(3));
    const path = tmp.write('truncated-idx3-ubyte', full.subarray(0, full.length - 100));
    await expect(readIdxFile(path)).rejects.toThrow(
      /truncated: header declares \[3, 28, 28\] uint8 = 2352 elements x 1 bytes = 2352 bytes of data, but only 2252 bytes follow/,
    );
    const f32 = encodeIdx('float32', [4], [1, 2, 3, 4]);
    expect(() => parseIdx(f32.subarray(0, f32.length - 1))).toThrow(/4 elements x 4 bytes = 16 bytes.*only 15 bytes/);
  });

  it('trailing bytes', () => {
    const bytes = Buffer.concat([encodeIdx('uint8', [2], [1, 2]), Buffer.from([0, 0, 0])]);
    expect(() => parseIdx(bytes)).toThrow(/3 trailing bytes: header declares \[2\] uint8/);
  });

  it('a lying header with a huge size fails before allocating it', () => {
    const before = process.memoryUsage().arrayBuffers;
    // 4,294,967,295^3 float64 elements: ~6e29 bytes declared, 8 bytes present.
    const huge = encodeIdx('float64', [0xffffffff, 0xffffffff, 0xffffffff], []);
    expect(() => parseIdx(Buffer.concat([huge, Buffer.alloc(8)]), 'liar')).toThrow(
      /liar: header declares \[4294967295, 4294967295, 4294967295\] float64 .* more than the \d+-byte limit \(maxBytes\); refusing to allocate/,
    );
    // Under the limit (1.5 GB) but still a lie: reported as truncation, nothing allocated.
    const big = encodeIdx('uint8', [1500, 1000, 1000], []);
    expect(() => parseIdx(big)).toThrow(/truncated: .* = 1500000000 bytes of data, but only 0 bytes follow/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('a gzip bomb is stopped at maxBytes', async () => {
    const path = tmp.write('bomb-idx1-ubyte.gz', encodeIdx('uint8', [1 << 20], new Uint8Array(1 << 20)), true);
    await expect(readIdxFile(path, { maxBytes: 1000 })).rejects.toThrow(/decompresses to more than the 1000-byte limit/);
  });

  it('corrupt gzip data', async () => {
    const path = tmp.write('junk.gz', Buffer.from('definitely not gzip'));
    await expect(readIdxFile(path)).rejects.toThrow(/name ends in \.gz but gunzip failed/);
  });
});
