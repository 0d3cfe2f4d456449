import { join } from 'node:path';
import { ValidationError } from '@ddvi/core';
import { cifar10FileSizes, writeSyntheticCifar10 } from '../datasets/cifar_file';
import { CIFAR_SOURCE_HINT } from '../datasets/cifar_format';
import type { BenchConfig } from './config';

/** Where a run without --data-dir generates the stand-in CIFAR-10 files (`cifarSynthetic`). */
export const CIFAR_GENERATED_DIR = 'cifar10-generated';

/**
 * Makes sure every file-backed dataset of the grid is there before any cell trains: CIFAR-10 needs
 * `dataDir` with the six binary files (else the error says where to get them), or `cifarSynthetic`,
 * which generates the stand-in set into `<out>/cifar10-generated` (once: a rerun finds it) and
 * points `dataDir` there. Returns the config the cells run with.
 */
export async function prepareDatasetFiles(config: BenchConfig, out: string): Promise<BenchConfig> {
  if (!config.datasets.includes('cifar10')) return config;
  if (config.dataDir === undefined) {
    if (!config.cifarSynthetic) {
      throw new ValidationError(`dataset cifar10: no data folder given (--data-dir DIR); ${CIFAR_SOURCE_HINT} (or use --preset cifar-smoke to run on a generated stand-in set)`);
    }
    const dir = join(out, CIFAR_GENERATED_DIR);
    const present = await Promise.all([cifar10FileSizes('train', dir), cifar10FileSizes('test', dir)]).then(() => true, () => false);
    if (!present) await writeSyntheticCifar10(dir, config.cifarSynthetic);
    config = { ...config, dataDir: dir };
  }
  await cifar10FileSizes('train', config.dataDir!);
  await cifar10FileSizes('test', config.dataDir!);
  return config;
}
