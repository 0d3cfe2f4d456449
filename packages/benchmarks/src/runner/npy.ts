import { ValidationError } from '@ddvi/core';

/**
 * NumPy's .npy format (version 1.0), for the two dtypes the runner keeps: float32 ('<f4') and
 * int32 ('<i4'), C order, little-endian. `numpy.load` reads what encodeNpy writes, and a .npz is a
 * zip of such members (./latent_file.ts).
 */
export type NpyArray = { dtype: 'float32'; data: Float32Array; shape: number[] } | { dtype: 'int32'; data: Int32Array; shape: number[] };

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const DESCR = { float32: '<f4', int32: '<i4' } as const;

/** The .npy bytes of an array: magic, version 1.0, a header dict padded to 64 bytes, then the raw little-endian values. */
export function encodeNpy(array: NpyArray): Uint8Array {
  const size = array.shape.reduce((a, b) => a * b, 1);
  if (size !== array.data.length) {
    throw new ValidationError(`encodeNpy: shape [${array.shape.join(', ')}] holds ${size} values but the data has ${array.data.length}`);
  }
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let header = `{'descr': '${DESCR[array.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64 and ended by \n.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const bytes = new Uint8Array(10 + header.length + array.data.byteLength);
  bytes.set(MAGIC, 0);
  bytes[6] = 1;
  bytes[7] = 0;
  new DataView(bytes.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) bytes[10 + i] = header.charCodeAt(i);
  // Typed arrays are in platform order; every platform Node runs on is little-endian, and this checks it.
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('encodeNpy: a big-endian platform is not supported');
  bytes.set(new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength), 10 + header.length);
  return bytes;
}

/** Reads a version 1.x / 2.x .npy of float32 or int32 values in C order; `where` names the file in errors. */
export function decodeNpy(bytes: Uint8Array, where: string): NpyArray {
  const bad = (what: string): never => {
    throw new ValidationError(`${where}: not a .npy array the runner wrote (${what})`);
  };
  if (bytes.length < 12 || MAGIC.some((b, i) => bytes[i] !== b)) bad('no \\x93NUMPY magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  const headerLength = major === 1 ? view.getUint16(8, true) : major === 2 || major === 3 ? view.getUint32(8, true) : bad(`version ${major}`);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  if (/'fortran_order':\s*True/.test(header)) bad('Fortran order');
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? bad('no shape');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (shape.some((n) => !Number.isInteger(n) || n < 0)) bad(`shape (${shapeText})`);
  const size = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLength;
  if (bytes.length - offset !== size * 4) bad(`${bytes.length - offset} data bytes for shape (${shapeText})`);
  // A copy: the zip's buffer need not be 4-byte aligned.
  const raw = bytes.slice(offset, offset + size * 4).buffer;
  if (descr === '<f4') return { dtype: 'float32', data: new Float32Array(raw), shape };
  if (descr === '<i4') return { dtype: 'int32', data: new Int32Array(raw), shape };
  return bad(`dtype ${descr ?? 'unknown'}; float32 '<f4' or int32 '<i4' expected`);
}
