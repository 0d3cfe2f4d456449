import { existsSync } from 'node:fs';
import { ValidationError, invalid } from '@ddvi/core';
import { TensorDataset } from '@ddvi/core';
import { filterSnps, newFilterStats } from './filters';
import { GramAccumulator } from './gram';
import { pcaFromGram } from './pca';
import { readGenotypePcs, writeGenotypePcs } from './pcs_file';
import type { SavedGenotypePcs } from './pcs_file';
import { genotypeDataset, genotypePca } from './pipeline';
import { Rng } from './random';
import { simulateGenotypes } from './simulate';
import { isAutosome } from './types';
import type { SnpRecord } from './types';
import { DEFAULT_GENOTYPE_SIMULATION, GENOTYPE_TASK_DEFAULTS, REFERENCE_SNPS, genotypeSplitOptions, parseGenotypeTaskOptions } from './task_options';
import type { GenotypeTaskOptions } from './task_options';

/** The task's PC matrix and labels, from the simulator, a genotype file (through the streaming pipeline) or a PC file. */
export async function genotypeTaskPcs(options: GenotypeTaskOptions = {}): Promise<SavedGenotypePcs> {
  parseGenotypeTaskOptions(options);
  const file = options.vcf ?? options.plink;
  if (file === undefined) {
    if (options.pcs !== undefined) return readGenotypePcs(options.pcs);
    return simulatedPcs(options);
  }
  if (options.pcs !== undefined && existsSync(options.pcs)) return readGenotypePcs(options.pcs);
  const result = await genotypePca({
    ...(options.vcf !== undefined ? { vcf: options.vcf, vcfOptions: !(options.autosomesOnly ?? GENOTYPE_TASK_DEFAULTS.autosomesOnly) ? {} : { chromosomes: isAutosome } } : { plink: options.plink! }),
    panel: options.panel!,
    ...(options.populations !== undefined ? { populations: options.populations } : {}),
    labels: { unlabeled: options.unlabeled ?? GENOTYPE_TASK_DEFAULTS.unlabeled },
    filters: { ...GENOTYPE_TASK_DEFAULTS.filters, ...options.filters },
    components: options.components ?? GENOTYPE_TASK_DEFAULTS.fileComponents,
  });
  if (options.pcs !== undefined) await writeGenotypePcs(options.pcs, result);
  return result;
}

/** Simulates the cohort and runs the same filters, standardization and PCA as a file would get. */
async function simulatedPcs(options: GenotypeTaskOptions): Promise<SavedGenotypePcs> {
  const sim = simulateGenotypes({ ...DEFAULT_GENOTYPE_SIMULATION, ...options.simulate });
  const n = sim.samples.length;
  const gram = new GramAccumulator(n, 128);
  const stats = newFilterStats();
  async function* records(): AsyncGenerator<SnpRecord> {
    yield* sim.snps();
  }
  for await (const snp of filterSnps(records(), { ...GENOTYPE_TASK_DEFAULTS.filters, ...options.filters }, stats)) gram.addSnp(snp.dosage, snp.p);
  if (gram.snps === 0) throw new ValidationError(`genotypes: no simulated SNP passed the filters (${stats.seen} seen)`);
  const k = Math.min(options.components ?? GENOTYPE_TASK_DEFAULTS.simulatedComponents, n, gram.snps);
  const pca = pcaFromGram(gram.takeMatrix(), n, k);
  return {
    ...pca, samples: sim.samples, labels: sim.labels, populations: sim.populations,
    superPopulations: sim.populations.map(() => 'SIM'), snpsUsed: gram.snps, source: 'simulated (Balding–Nichols)',
  };
}

/** All individuals of the task as the model sees them: PCs / scale, labelled by population. */
export async function loadGenotypeTask(options: GenotypeTaskOptions = {}): Promise<TensorDataset> {
  const pcs = await genotypeTaskPcs(options);
  return taskDataset(pcs, options);
}

export function taskDataset(pcs: SavedGenotypePcs, options: GenotypeTaskOptions): TensorDataset {
  const components = Math.min(options.components ?? pcs.k, pcs.k);
  return genotypeDataset(pcs, { scale: genotypeScale(pcs, options), components });
}

/** The divisor of the PC scores (see GenotypeTaskOptions.scale). */
export function genotypeScale(pcs: Pick<SavedGenotypePcs, 'snpsUsed' | 'source'>, options: GenotypeTaskOptions): number {
  if (options.scale !== undefined) return options.scale;
  const simulated = options.vcf === undefined && options.plink === undefined && options.pcs === undefined;
  const base = GENOTYPE_TASK_DEFAULTS.fileScale;
  return simulated ? base * Math.sqrt(pcs.snpsUsed / REFERENCE_SNPS) : base;
}

/**
 * Rows of the train and test sets: per population, a seeded shuffle puts round(testFraction x size)
 * individuals in the test set. testFraction 0: both are every row (the reference's protocol).
 */
export function genotypeSplitRows(labels: Int32Array, testFraction: number, seed: number): { train: Int32Array; test: Int32Array } {
  const n = labels.length;
  if (testFraction === 0) {
    const all = Int32Array.from({ length: n }, (_, i) => i);
    return { train: all, test: all };
  }
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const list = byClass.get(labels[i]!) ?? [];
    list.push(i);
    byClass.set(labels[i]!, list);
  }
  const rng = new Rng(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const key of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = byClass.get(key)!;
    for (let i = rows.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }
    const nTest = Math.min(rows.length - 1, Math.round(testFraction * rows.length));
    test.push(...rows.slice(0, nTest));
    train.push(...rows.slice(nTest));
  }
  if (test.length === 0) invalid('genotypes', 'testFraction', `large enough to hold out at least one of ${n} individuals`, testFraction);
  return { train: Int32Array.from(train.sort((a, b) => a - b)), test: Int32Array.from(test.sort((a, b) => a - b)) };
}

/** The ancestry task as datasets: every individual, and the train and test sets the split options make of them. */
export interface GenotypeTaskSplits {
  /** Every individual: PCs / scale, labelled by population. */
  all: TensorDataset;
  /** The same object as `test` when testFraction is 0 (the reference: train on everyone, score everyone). */
  train: TensorDataset;
  test: TensorDataset;
  /** Rows of `all` in each set. */
  rows: { train: Int32Array; test: Int32Array };
  /** Population index of each row of `all`. */
  labels: Int32Array;
}

/**
 * Loads the task (genotypeTaskPcs, then PCs / scale) and splits it by population into train and
 * test rows (genotypeSplitRows, with the options' testFraction and splitSeed).
 */
export async function loadGenotypeTaskSplits(options: GenotypeTaskOptions = {}): Promise<GenotypeTaskSplits> {
  const pcs = await genotypeTaskPcs(options);
  const all = taskDataset(pcs, options);
  const { testFraction, splitSeed } = genotypeSplitOptions(options);
  const rows = genotypeSplitRows(pcs.labels, testFraction, splitSeed);
  const same = rows.train === rows.test;
  const train = all.subset(rows.train, same ? 'genotypes' : 'genotypes-train');
  const test = same ? train : all.subset(rows.test, 'genotypes-test');
  return { all, train, test, rows, labels: pcs.labels };
}
