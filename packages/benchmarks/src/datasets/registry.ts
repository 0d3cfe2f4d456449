import { ValidationError } from '@ddvi/core';
import { loadGenotypeTask } from '@ddvi/genotypes';
import type { GenotypeTaskOptions } from '@ddvi/genotypes';
import { loadCifar10 } from './cifar10';
import type { Cifar10Options } from './cifar10';
import { loadMnist } from './mnist';
import type { MnistOptions } from './mnist';
import type { TensorDataset } from '@ddvi/core';
import { makeToyDataset } from './toy';
import type { ToyDatasetOptions } from './toy';

/** Options of each dataset known to `loadDataset`, by name. */
export interface DatasetOptionsByName {
  mnist: MnistOptions;
  toy: ToyDatasetOptions;
  /** Every individual of the ancestry task (simulated by default), PCs / 30, labelled by population. */
  genotypes: GenotypeTaskOptions;
  /** CIFAR-10 from its binary files in `dataDir` (no download), pixels / 255 in [0, 1], CHW. */
  cifar10: Cifar10Options;
}

export type DatasetName = keyof DatasetOptionsByName;

const LOADERS: { [K in DatasetName]: (options: DatasetOptionsByName[K]) => Promise<TensorDataset> } = {
  mnist: (options) => loadMnist(options),
  toy: async (options) => makeToyDataset(options ?? {}),
  genotypes: (options) => loadGenotypeTask(options ?? {}),
  cifar10: (options) => loadCifar10(options),
};

/** Names `loadDataset` accepts. */
export function listDatasets(): DatasetName[] {
  return Object.keys(LOADERS) as DatasetName[];
}

/** Loads a dataset by name (e.g. from a CLI flag); an unknown name fails listing the known ones. */
export function loadDataset<K extends DatasetName>(name: K, options: DatasetOptionsByName[K]): Promise<TensorDataset>;
export function loadDataset(name: string, options?: unknown): Promise<TensorDataset>;
export async function loadDataset(name: string, options?: unknown): Promise<TensorDataset> {
  if (!Object.prototype.hasOwnProperty.call(LOADERS, name)) {
    throw new ValidationError(`loadDataset: unknown dataset ${JSON.stringify(name)}; known datasets: ${listDatasets().join(', ')}`);
  }
  const load = LOADERS[name as DatasetName] as (options: unknown) => Promise<TensorDataset>;
  return load(options);
}
