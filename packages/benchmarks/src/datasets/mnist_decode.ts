import { SeedStream, ValidationError, invalid, permutation } from '@ddvi/core';
import type { IdxArray } from './idx';
import { TensorDataset } from '@ddvi/core';

// No file access here: loadMnist (./mnist.ts) reads the IDX files in Node, a browser fetches them,
// and both decode with mnistFromIdx, so a subset is the same examples everywhere.

export type MnistSplit = 'train' | 'test';

export const MNIST_ROWS = 28;
export const MNIST_COLS = 28;
export const MNIST_DATA_SIZE = MNIST_ROWS * MNIST_COLS;
export const MNIST_NUM_CLASSES = 10;

export interface MnistSelection {
  split: MnistSplit;
  /** Keep only the first `limit` examples (file order). Exclusive with `subset`. */
  limit?: number;
  /**
   * Keep `n` examples chosen uniformly without replacement with `seed` (a seeded permutation of
   * all indices, first n taken, then sorted so file order is kept). Exclusive with `limit`.
   */
  subset?: { n: number; seed: number };
}

/** Where the two arrays came from, for error messages. */
export interface MnistSources {
  images: string;
  labels: string;
}

/**
 * An MNIST split from its parsed IDX image and label arrays, preprocessed as in the reference code
 * (torchvision ToTensor, flattened): x = pixel / 255 as float32 in [0, 1], not binarized, 784 per
 * image; labels int32 in 0..9.
 */
export function mnistFromIdx(
  images: IdxArray, labels: IdxArray, selection: MnistSelection, sources: MnistSources = { images: '<images>', labels: '<labels>' },
): TensorDataset {
  const where = 'loadMnist';
  const { split, limit, subset } = selection ?? ({} as Partial<MnistSelection>);
  if (split !== 'train' && split !== 'test') invalid(where, 'split', '"train" or "test"', split);
  if (limit !== undefined && subset !== undefined) {
    throw new ValidationError(`${where}: pass either limit or subset, not both (got limit ${limit} and subset.n ${subset.n})`);
  }
  const files = sources;
  checkImages(images, files.images);
  checkLabels(labels, files.labels);
  const total = images.shape[0]!;
  if (labels.shape[0] !== total) {
    throw new ValidationError(
      `MNIST: image and label counts differ: ${files.images} holds ${total} images but ${files.labels} holds ${labels.shape[0]} labels`,
    );
  }

  let rows: Int32Array | undefined; // undefined: the first `count` rows
  let count = total;
  if (limit !== undefined) {
    if (!Number.isInteger(limit) || limit < 1 || limit > total) invalid(where, 'limit', `an integer in [1, ${total}]`, limit);
    count = limit;
  } else if (subset !== undefined) {
    if (!Number.isInteger(subset.n) || subset.n < 1 || subset.n > total) invalid(where, 'subset.n', `an integer in [1, ${total}]`, subset.n);
    if (!Number.isInteger(subset.seed) || subset.seed < 0 || subset.seed > 0xffffffff) {
      invalid(where, 'subset.seed', 'an integer in [0, 2^32)', subset.seed);
    }
    rows = permutation(total, new SeedStream(subset.seed)).slice(0, subset.n).sort();
    count = subset.n;
  }

  const pixels = images.data as Uint8Array;
  const labelBytes = labels.data as Uint8Array;
  const x = new Float32Array(count * MNIST_DATA_SIZE);
  const y = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const i = rows ? rows[k]! : k;
    const src = i * MNIST_DATA_SIZE;
    const dst = k * MNIST_DATA_SIZE;
    for (let j = 0; j < MNIST_DATA_SIZE; j++) x[dst + j] = pixels[src + j]! / 255;
    y[k] = labelBytes[i]!;
  }
  return new TensorDataset({ name: `mnist-${split}`, data: x, dataSize: MNIST_DATA_SIZE, labels: y, numClasses: MNIST_NUM_CLASSES });
}

function checkImages(a: IdxArray, path: string): void {
  const ok = a.dtype === 'uint8' && a.shape.length === 3 && a.shape[1] === MNIST_ROWS && a.shape[2] === MNIST_COLS;
  if (!ok) {
    throw new ValidationError(
      `MNIST images ${path}: expected uint8 of shape [n, ${MNIST_ROWS}, ${MNIST_COLS}], found ${a.dtype} of shape [${a.shape.join(', ')}]`,
    );
  }
}

function checkLabels(a: IdxArray, path: string): void {
  if (a.dtype !== 'uint8' || a.shape.length !== 1) {
    throw new ValidationError(`MNIST labels ${path}: expected uint8 of shape [n], found ${a.dtype} of shape [${a.shape.join(', ')}]`);
  }
  const bad = (a.data as Uint8Array).findIndex((l) => l >= MNIST_NUM_CLASSES);
  if (bad >= 0) {
    throw new ValidationError(`MNIST labels ${path}: labels must be digits 0..9, found ${a.data[bad]} at index ${bad}`);
  }
}
