import { ValidationError } from '@ddvi/core';

/**
 * The CIFAR-10 binary format ("CIFAR-10 binary version", https://www.cs.toronto.edu/~kriz/cifar.html):
 * a file is a run of 3,073-byte records, each a label byte (0..9) then the 32x32 red, green and
 * blue planes, row-major. No header, so a file's size must be a whole number of records.
 * No file access here (browsers can use it); ./cifar_file.ts streams the files in Node.
 */

export const CIFAR_CHANNELS = 3;
export const CIFAR_ROWS = 32;
export const CIFAR_COLS = 32;
/** Pixels per image: 3 x 32 x 32, stored plane by plane (CHW). */
export const CIFAR_DATA_SIZE = CIFAR_CHANNELS * CIFAR_ROWS * CIFAR_COLS;
/** Bytes per record: the label byte, then the image. */
export const CIFAR_RECORD_BYTES = 1 + CIFAR_DATA_SIZE;
export const CIFAR_NUM_CLASSES = 10;
/** The image shape [channels, rows, cols] the conv networks take (`trunk: { kind: 'conv', shape }`). */
export const CIFAR_SHAPE: readonly [number, number, number] = [CIFAR_CHANNELS, CIFAR_ROWS, CIFAR_COLS];
export const CIFAR_TRAIN_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'] as const;
export const CIFAR_TEST_FILES = ['test_batch.bin'] as const;
export const CIFAR_CLASS_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;
/** Where users get the files; every not-found message repeats it. */
export const CIFAR_SOURCE_HINT =
  'download the "CIFAR-10 binary version" (cifar-10-binary.tar.gz) from https://www.cs.toronto.edu/~kriz/cifar.html, ' +
  'extract it and pass its cifar-10-batches-bin folder as --data-dir';

/** Number of records in a file of `bytes` bytes; fails unless it is a whole, non-zero number. */
export function cifarRecordCount(bytes: number, source: string): number {
  if (bytes === 0) throw new ValidationError(`CIFAR-10 file ${source}: empty (0 bytes); expected 3,073-byte records`);
  if (bytes % CIFAR_RECORD_BYTES !== 0) {
    throw new ValidationError(
      `CIFAR-10 file ${source}: ${bytes} bytes is not a whole number of ${CIFAR_RECORD_BYTES}-byte records ` +
        `(${Math.floor(bytes / CIFAR_RECORD_BYTES)} records and ${bytes % CIFAR_RECORD_BYTES} bytes left over): truncated or not a CIFAR-10 binary file`,
    );
  }
  return bytes / CIFAR_RECORD_BYTES;
}

/** Fails with the file and record index when a label byte is not a class 0..9. */
export function checkCifarLabel(label: number, record: number, source: string): void {
  if (label >= CIFAR_NUM_CLASSES) {
    throw new ValidationError(
      `CIFAR-10 file ${source}: record ${record} has label ${label}, expected a class 0..9 ` +
        `(the CIFAR-100 files carry two label bytes and 100 classes; this reader takes CIFAR-10 only)`,
    );
  }
}

/** A parsed run of records: `pixels` row-major [n, 3072] bytes (CHW), `labels` [n]. */
export interface CifarRecords {
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
}

/** Parses a whole file's bytes (the in-memory counterpart of the streaming reader; same checks). */
export function parseCifarRecords(bytes: Uint8Array, source = '<buffer>'): CifarRecords {
  const n = cifarRecordCount(bytes.length, source);
  const pixels = new Uint8Array(n * CIFAR_DATA_SIZE);
  const labels = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const at = r * CIFAR_RECORD_BYTES;
    checkCifarLabel(bytes[at]!, r, source);
    labels[r] = bytes[at]!;
    pixels.set(bytes.subarray(at + 1, at + CIFAR_RECORD_BYTES), r * CIFAR_DATA_SIZE);
  }
  return { pixels, labels };
}

/** The bytes of a CIFAR-10 binary file holding `labels.length` images (pixels [n, 3072], CHW). */
export function cifarRecordsToBytes(records: CifarRecords): Uint8Array {
  const where = 'cifarRecordsToBytes';
  const { pixels, labels } = records;
  if (!(pixels instanceof Uint8Array) || !(labels instanceof Uint8Array)) {
    throw new ValidationError(`${where}: pixels and labels must be Uint8Arrays`);
  }
  const n = labels.length;
  if (pixels.length !== n * CIFAR_DATA_SIZE) {
    throw new ValidationError(`${where}: pixels must have length labels.length x ${CIFAR_DATA_SIZE} = ${n * CIFAR_DATA_SIZE}, got ${pixels.length}`);
  }
  const out = new Uint8Array(n * CIFAR_RECORD_BYTES);
  for (let r = 0; r < n; r++) {
    checkCifarLabel(labels[r]!, r, where);
    out[r * CIFAR_RECORD_BYTES] = labels[r]!;
    out.set(pixels.subarray(r * CIFAR_DATA_SIZE, (r + 1) * CIFAR_DATA_SIZE), r * CIFAR_RECORD_BYTES + 1);
  }
  return out;
}
