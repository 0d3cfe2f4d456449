import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const DTYPE_CODES = { uint8: 0x08, int8: 0x09, int16: 0x0b, int32: 0x0c, float32: 0x0d, float64: 0x0e } as const;
const SIZES = { uint8: 1, int8: 1, int16: 2, int32: 4, float32: 4, float64: 8 } as const;

/** Encodes an IDX file (big-endian) for tests. */
export function encodeIdx(dtype: keyof typeof DTYPE_CODES, shape: number[], values: ArrayLike<number>): Buffer {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header[2] = DTYPE_CODES[dtype];
  header[3] = shape.length;
  shape.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  const body = Buffer.alloc(values.length * SIZES[dtype]);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (dtype === 'uint8') body.writeUInt8(v, i);
    else if (dtype === 'int8') body.writeInt8(v, i);
    else if (dtype === 'int16') body.writeInt16BE(v, 2 * i);
    else if (dtype === 'int32') body.writeInt32BE(v, 4 * i);
    else if (dtype === 'float32') body.writeFloatBE(v, 4 * i);
    else body.writeDoubleBE(v, 8 * i);
  }
  return Buffer.concat([header, body]);
}

/** A fresh temp folder and a writer into it; `cleanup()` removes it. */
export function tempDir(): { dir: string; write(name: string, bytes: Uint8Array, gzip?: boolean): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'ddvi-bench-'));
  return {
    dir,
    write(name, bytes, gzip = false) {
      const path = join(dir, name);
      writeFileSync(path, gzip ? gzipSync(bytes) : bytes);
      return path;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Deterministic synthetic MNIST-like pixels: n images of rows × cols. */
export function fakePixels(n: number, rows = 28, cols = 28): Uint8Array {
  const out = new Uint8Array(n * rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = (i * 37 + 11) % 256;
  return out;
}
