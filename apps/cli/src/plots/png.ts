import { PNG } from 'pngjs';

/**
 * Encodes a grey-level image (values in [0, 1], row-major, `width` x `height`) as an 8-bit PNG.
 * Values outside [0, 1] (e.g. a gaussian decoder's means) are clipped.
 */
export function greyPng(values: Float32Array | number[], width: number, height: number): Uint8Array {
  if (values.length !== width * height) {
    throw new RangeError(`greyPng: expected ${width} x ${height} = ${width * height} values, got ${values.length}`);
  }
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  const data = Buffer.alloc(width * height);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    data[i] = Math.round(255 * (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0));
  }
  png.data = data;
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}

/** Checks the 8-byte PNG signature and reads the IHDR size (for tests and sanity checks). */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 24 || !sig.every((b, i) => bytes[i] === b)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
