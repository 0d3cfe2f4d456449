import { SeedStream, ValidationError, invalid, permutation } from '@ddvi/core';
import { cifar10FileSizes, streamCifar10 } from './cifar_file';
import type { CifarSplit } from './cifar_file';
import { CIFAR_DATA_SIZE, CIFAR_NUM_CLASSES } from './cifar_format';
import { TensorDataset } from '@ddvi/core';

export interface Cifar10Options {
  split: CifarSplit;
  /** Folder holding data_batch_1.bin .. data_batch_5.bin and test_batch.bin (no default: no download). */
  dataDir: string;
  /** Keep only the first `limit` images (file order). Exclusive with `subset`. */
  limit?: number;
  /** Keep `n` images chosen uniformly without replacement with `seed`, in file order. Exclusive with `limit`. */
  subset?: { n: number; seed: number };
}

/**
 * Loads a CIFAR-10 split from the binary distribution, streaming: only the selected images are
 * kept, as float32 pixel / 255 in [0, 1] (3,072 per image, CHW: the red plane, then green, then
 * blue), labels int32 0..9. Unlike the reference (spec §11, §12.9) the data stay in [0, 1], the
 * range the decoder's sigmoid and the likelihoods cover, and there are no random flips.
 */
export async function loadCifar10(options: Cifar10Options): Promise<TensorDataset> {
  const where = 'loadCifar10';
  const opts: Partial<Cifar10Options> = options ?? {};
  const { split, limit, subset, dataDir } = opts;
  if (split !== 'train' && split !== 'test') invalid(where, 'split', '"train" or "test"', split);
  if (limit !== undefined && subset !== undefined) {
    throw new ValidationError(`${where}: pass either limit or subset, not both (got limit ${limit} and subset.n ${subset.n})`);
  }
  const total = (await cifar10FileSizes(split, dataDir as string)).reduce((n, f) => n + f.records, 0);
  let keep: Int32Array; // position of each file row in the output, -1 when dropped
  let count: number;
  if (subset !== undefined) {
    if (!Number.isInteger(subset.n) || subset.n < 1 || subset.n > total) invalid(where, 'subset.n', `an integer in [1, ${total}]`, subset.n);
    if (!Number.isInteger(subset.seed) || subset.seed < 0 || subset.seed > 0xffffffff) invalid(where, 'subset.seed', 'an integer in [0, 2^32)', subset.seed);
    const rows = permutation(total, new SeedStream(subset.seed)).slice(0, subset.n).sort();
    keep = new Int32Array(total).fill(-1);
    rows.forEach((r, k) => (keep[r] = k));
    count = subset.n;
  } else {
    count = total;
    if (limit !== undefined) {
      if (!Number.isInteger(limit) || limit < 1 || limit > total) invalid(where, 'limit', `an integer in [1, ${total}]`, limit);
      count = limit;
    }
    keep = new Int32Array(total).map((_, i) => (i < count ? i : -1));
  }
  const x = new Float32Array(count * CIFAR_DATA_SIZE);
  const y = new Int32Array(count);
  await streamCifar10(split, dataDir as string, (i, label, image) => {
    const k = keep[i]!;
    if (k < 0) return;
    y[k] = label;
    const dst = k * CIFAR_DATA_SIZE;
    for (let j = 0; j < CIFAR_DATA_SIZE; j++) x[dst + j] = image[j]! / 255;
  });
  return new TensorDataset({ name: `cifar10-${split}`, data: x, dataSize: CIFAR_DATA_SIZE, labels: y, numClasses: CIFAR_NUM_CLASSES });
}
