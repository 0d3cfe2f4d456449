import { ValidationError } from '@ddvi/core';

/**
 * Reader for the IDX format (the container of the MNIST files).
 *
 * Layout: two zero bytes, a dtype byte, an ndims byte, then ndims big-endian uint32 dimension
 * sizes, then the elements, big-endian, row-major. Every size the header declares is checked
 * against the bytes actually present before anything is allocated, so a corrupt or hostile header
 * fails with a message instead of an out-of-memory.
 *
 * Written here rather than taken from npm: the one IDX reader on the registry (`idx-data` 1.1.0)
 * checks no magic number, allocates whatever the header declares before reading, silently accepts
 * truncated or over-long files, supports three of the six dtypes, reads no gzip and requires
 * `tslib` without declaring it.
 */

export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A parsed IDX array: row-major `data` of `shape` (native endianness). */
export interface IdxArray {
  readonly dtype: IdxDtype;
  readonly shape: readonly number[];
  readonly data: IdxData;
}

export interface IdxReadOptions {
  /**
   * Largest decoded size accepted, in bytes (header-declared data, and the output of gunzip).
   * Default 2 GiB: far above MNIST (47 MB) and below what a typed array may hold.
   */
  maxBytes?: number;
  /** What the file is, for the not-found message ("MNIST" gives "MNIST file not found: ..."). */
  what?: string;
  /** Appended to the not-found message, e.g. where the file was expected to come from. */
  notFoundHint?: string;
}

export const IDX_DEFAULT_MAX_BYTES = 2 * 1024 * 1024 * 1024;

interface DtypeInfo {
  readonly name: IdxDtype;
  readonly size: number;
}

const DTYPES: ReadonlyMap<number, DtypeInfo> = new Map([
  [0x08, { name: 'uint8', size: 1 }],
  [0x09, { name: 'int8', size: 1 }],
  [0x0b, { name: 'int16', size: 2 }],
  [0x0c, { name: 'int32', size: 4 }],
  [0x0d, { name: 'float32', size: 4 }],
  [0x0e, { name: 'float64', size: 8 }],
]);

const hex = (v: number, digits: number): string => '0x' + v.toString(16).padStart(digits, '0');

/**
 * Parses IDX bytes (already decompressed). `source` names the file in error messages.
 * The result owns its memory (it does not alias `bytes`).
 */
export function parseIdx(bytes: Uint8Array, source = '<buffer>', options: Pick<IdxReadOptions, 'maxBytes'> = {}): IdxArray {
  const maxBytes = options.maxBytes ?? IDX_DEFAULT_MAX_BYTES;
  function fail(msg: string): never {
    throw new ValidationError(`IDX file ${source}: ${msg}`);
  }
  if (bytes.length < 4) {
    fail(`expected at least the 4-byte header (magic 0x0000, dtype, ndims), found only ${bytes.length} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const gz = bytes[0] === 0x1f && bytes[1] === 0x8b ? '; the bytes look gzip-compressed: give the file a .gz name' : '';
    fail(
      `wrong magic number: expected 0x0000 followed by a dtype and an ndims byte (e.g. 0x00000803 for MNIST images), ` +
        `found ${hex(magic, 8)}${gz}`,
    );
  }
  const dtypeByte = bytes[2]!;
  const info = DTYPES.get(dtypeByte);
  if (!info) {
    const known = [...DTYPES].map(([code, d]) => `${hex(code, 2)} ${d.name}`).join(', ');
    fail(`unknown dtype byte ${hex(dtypeByte, 2)} (magic ${hex(magic, 8)}); expected one of ${known}`);
  }
  const { name: dtype, size: elemSize } = info;
  const ndims = bytes[3]!;
  if (ndims === 0) fail(`ndims must be at least 1, found 0 (magic ${hex(magic, 8)})`);
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    fail(`header declares ${ndims} dimensions (${headerBytes} header bytes), but the file has only ${bytes.length} bytes`);
  }

  const shape: number[] = [];
  let elements = 1;
  for (let d = 0; d < ndims; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    shape.push(size);
    elements *= size; // exact while <= 2^53; anything near that is rejected below anyway
  }
  const declared = elements * elemSize;
  const available = bytes.length - headerBytes;
  const dims = `[${shape.join(', ')}]`;
  const declaredText = `${dims} ${dtype} = ${elements} elements x ${elemSize} bytes = ${declared} bytes of data`;
  if (declared > maxBytes) {
    fail(`header declares ${declaredText}, more than the ${maxBytes}-byte limit (maxBytes); refusing to allocate it`);
  }
  if (declared > available) {
    fail(`truncated: header declares ${declaredText}, but only ${available} bytes follow the ${headerBytes}-byte header`);
  }
  if (declared < available) {
    fail(`${available - declared} trailing bytes: header declares ${declaredText}, but ${available} bytes follow the header`);
  }

  return { dtype, shape, data: decode(view, headerBytes, elements, dtype, bytes) };
}

function decode(view: DataView, offset: number, n: number, dtype: IdxDtype, bytes: Uint8Array): IdxData {
  switch (dtype) {
    // new Uint8Array(view) copies (Buffer#slice would alias the input).
    case 'uint8':
      return new Uint8Array(bytes.subarray(offset, offset + n));
    case 'int8':
      return new Int8Array(new Uint8Array(bytes.subarray(offset, offset + n)).buffer);
    case 'int16': {
      const out = new Int16Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}
