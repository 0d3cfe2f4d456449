import { open, readdir, stat, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError, writeFileAtomic } from '@ddvi/core';
import {
  CIFAR_DATA_SIZE, CIFAR_RECORD_BYTES, CIFAR_SOURCE_HINT, CIFAR_TEST_FILES, CIFAR_TRAIN_FILES, checkCifarLabel, cifarRecordCount,
  cifarRecordsToBytes,
} from './cifar_format';
import type { CifarRecords } from './cifar_format';
import { synthesizeCifar10 } from './cifar_synthetic';
import type { SyntheticCifarOptions } from './cifar_synthetic';

// Node only: streams the CIFAR-10 binary files (./cifar_format.ts has the format and no file access).

export type CifarSplit = 'train' | 'test';

/** Paths of a split's files in `dataDir`, in the distribution's order. */
export function cifar10Files(split: CifarSplit, dataDir: string): string[] {
  return (split === 'train' ? CIFAR_TRAIN_FILES : CIFAR_TEST_FILES).map((f) => join(dataDir, f));
}

/**
 * Checks that `dataDir` holds a split's files, each a whole number of records, and returns the
 * record count of each file: a missing folder, a missing file or a truncated one fails here with
 * the path and where to get the files, before anything is read or trained.
 */
export async function cifar10FileSizes(split: CifarSplit, dataDir: string): Promise<{ path: string; records: number }[]> {
  if (typeof dataDir !== 'string' || dataDir.length === 0) {
    throw new ValidationError(`CIFAR-10: a data folder is required (--data-dir DIR); ${CIFAR_SOURCE_HINT}`);
  }
  let entries: string[];
  try {
    entries = await readdir(dataDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ValidationError(`CIFAR-10 folder not found: ${dataDir}; ${CIFAR_SOURCE_HINT}`);
    throw err;
  }
  const files = cifar10Files(split, dataDir);
  const missing = files.filter((_, i) => !entries.includes((split === 'train' ? CIFAR_TRAIN_FILES : CIFAR_TEST_FILES)[i]!));
  if (missing.length > 0) {
    const empty = entries.length === 0 ? ' (the folder is empty)' : '';
    throw new ValidationError(`CIFAR-10 file not found: ${missing.join(', ')}${empty}; ${CIFAR_SOURCE_HINT}`);
  }
  return Promise.all(files.map(async (path) => ({ path, records: cifarRecordCount((await stat(path)).size, path) })));
}

/** Records read per chunk: 512 x 3,073 bytes = 1.5 MB of buffer, whatever the file size. */
const CHUNK_RECORDS = 512;

/**
 * Streams a split's records in order, calling `visit(globalIndex, label, recordBytes)` for each
 * (recordBytes is the 3,072 image bytes, valid only during the call). Every label is checked, so a
 * corrupt record fails with its file and index. Memory stays at one chunk.
 */
export async function streamCifar10(
  split: CifarSplit, dataDir: string, visit: (index: number, label: number, image: Uint8Array) => void,
): Promise<number> {
  const files = await cifar10FileSizes(split, dataDir);
  const buf = new Uint8Array(CHUNK_RECORDS * CIFAR_RECORD_BYTES);
  let index = 0;
  for (const { path, records } of files) {
    const fh = await open(path, 'r');
    try {
      let done = 0;
      while (done < records) {
        const want = Math.min(CHUNK_RECORDS, records - done) * CIFAR_RECORD_BYTES;
        let got = 0;
        while (got < want) {
          const { bytesRead } = await fh.read(buf, got, want - got, done * CIFAR_RECORD_BYTES + got);
          if (bytesRead === 0) {
            throw new ValidationError(`CIFAR-10 file ${path}: truncated while reading (changed since it was checked?) at byte ${done * CIFAR_RECORD_BYTES + got}`);
          }
          got += bytesRead;
        }
        for (let k = 0; k < want / CIFAR_RECORD_BYTES; k++) {
          const at = k * CIFAR_RECORD_BYTES;
          checkCifarLabel(buf[at]!, done + k, path);
          visit(index++, buf[at]!, buf.subarray(at + 1, at + CIFAR_RECORD_BYTES));
        }
        done += want / CIFAR_RECORD_BYTES;
      }
    } finally {
      await fh.close();
    }
  }
  return index;
}

/** Writes records as one CIFAR-10 binary file, atomically. */
export async function writeCifarFile(path: string, records: CifarRecords): Promise<void> {
  await writeFileAtomic(path, cifarRecordsToBytes(records));
}

/**
 * Writes a train and a test set as the distribution's six files in `dir` (created if needed):
 * train split over data_batch_1..5 as evenly as possible (so at least 5 train images), test in
 * test_batch.bin.
 */
export async function writeCifar10Dir(dir: string, sets: { train: CifarRecords; test: CifarRecords }): Promise<void> {
  const n = sets.train.labels.length;
  if (n < CIFAR_TRAIN_FILES.length) {
    throw new ValidationError(`writeCifar10Dir: train must hold at least ${CIFAR_TRAIN_FILES.length} images (one per data_batch file), got ${n}`);
  }
  if (sets.test.labels.length < 1) throw new ValidationError('writeCifar10Dir: test must hold at least 1 image, got 0');
  await mkdir(dir, { recursive: true });
  const per = CIFAR_TRAIN_FILES.length;
  for (let f = 0; f < per; f++) {
    const from = Math.floor((f * n) / per);
    const to = Math.floor(((f + 1) * n) / per);
    await writeCifarFile(join(dir, CIFAR_TRAIN_FILES[f]!), {
      pixels: sets.train.pixels.subarray(from * CIFAR_DATA_SIZE, to * CIFAR_DATA_SIZE),
      labels: sets.train.labels.subarray(from, to),
    });
  }
  await writeCifarFile(join(dir, CIFAR_TEST_FILES[0]), sets.test);
}

/** Generates the stand-in image set (`synthesizeCifar10`) and writes it as the six files in `dir`. */
export async function writeSyntheticCifar10(dir: string, options: SyntheticCifarOptions): Promise<void> {
  await writeCifar10Dir(dir, synthesizeCifar10(options));
}
