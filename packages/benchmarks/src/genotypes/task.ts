import { existsSync } from 'node:fs';
import { ValidationError, checkPositive, checkPositiveInt, invalid } from '@ddvi/core';
import { TensorDataset } from '../datasets/tensor_dataset';
import { filterSnps, newFilterStats } from './filters';
import type { SnpFilterOptions } from './filters';
import { GramAccumulator } from './gram';
import { pcaFromGram } from './pca';
import { readGenotypePcs, writeGenotypePcs } from './pcs_file';
import type { SavedGenotypePcs } from './pcs_file';
import { genotypeDataset, genotypePca } from './pipeline';
import { Rng } from './random';
import { simulateGenotypes } from './simulate';
import type { SimulationOptions } from './simulate';
import { isAutosome } from './types';
import type { SnpRecord } from './types';

/**
 * The ancestry benchmark task (spec §11, §6, §10.4) as one set of options: where the genotypes
 * come from (the Balding–Nichols simulator by default, or a VCF / PLINK file with its panel, or a
 * saved PC matrix), how they are reduced (filters, PCA, PCs / 30), and how the individuals are
 * split between training and scoring.
 */
export interface GenotypeTaskOptions {
  /** Simulator settings (used when no file is given); merged over DEFAULT_GENOTYPE_SIMULATION. */
  simulate?: Partial<SimulationOptions>;
  /** A VCF (`.vcf`, `.vcf.gz`); with `panel`. Exclusive with plink. */
  vcf?: string;
  /** A PLINK fileset prefix (`.bed/.bim/.fam`). */
  plink?: string;
  /** 1000 Genomes-style sample sheet (`sample pop super_pop ...`): the population labels. */
  panel?: string;
  /** The populations table fixing the label order (e.g. 20131219.populations.tsv). */
  populations?: string;
  /**
   * A PC file (`writeGenotypePcs`). Alone: the PCs are read from it. With vcf/plink: a cache, read
   * when it exists, else written after the PCA, so the pass over the file runs once.
   */
  pcs?: string;
  /** Per-SNP filters (default MAF >= 0.01, missingness <= 0.05, at most maxSnps SNPs). */
  filters?: Omit<SnpFilterOptions, 'keepSamples'>;
  /** VCF/PLINK samples without a panel row: 'error' (default) or 'drop' (the Affymetrix release has some). */
  unlabeled?: 'error' | 'drop';
  /** Keep only chromosomes 1-22 of a VCF (default true: chrX/Y calls of males are haploid). */
  autosomesOnly?: boolean;
  /** PCs fed to the model (default: 1000 as the reference, at most the number of individuals; simulated: 50). */
  components?: number;
  /**
   * The model's input is PCs / scale. Default for files and PC files: 30 (spec §11). Default for the
   * simulator: 30 x sqrt(SNPs used / REFERENCE_SNPS), because a PC score grows as the square root of
   * the number of SNPs: this gives the simulated cohort's inputs the magnitude the reference's have
   * (PCs of ~900k array SNPs / 30), where the spec's unit-variance Gaussian decoder has signal to fit.
   */
  scale?: number;
  /**
   * Fraction of individuals held out for scoring (seeded, stratified by population; default 0.2).
   * 0 reproduces the reference (spec §11): train on everyone, score everyone.
   */
  testFraction?: number;
  /** Seed of the train/test split (default 0). */
  splitSeed?: number;
  /** Components of the GMM behind NMI / purity (default: one per population; the reference's 26-population table: 20). */
  clusters?: number;
}

/** The default cohort: 5 populations, F_ST 0.1, 100 individuals each plus 100 admixed (Dirichlet(1)), 5,000 SNPs. */
export const DEFAULT_GENOTYPE_SIMULATION: Readonly<SimulationOptions> = {
  populations: 5, individualsPerPopulation: 100, admixed: 100, admixtureAlpha: 1, snps: 5000, fst: 0.1, seed: 0,
};
const SIMULATED_COMPONENTS = 50;
/** SNPs on the Affymetrix 6.0 array of the reference's input (about 906k probes). */
export const REFERENCE_SNPS = 900_000;
const FILE_COMPONENTS = 1000;
const DEFAULT_FILTERS: Omit<SnpFilterOptions, 'keepSamples'> = { minMaf: 0.01, maxMissing: 0.05 };

const KEYS: readonly (keyof GenotypeTaskOptions)[] = [
  'simulate', 'vcf', 'plink', 'panel', 'populations', 'pcs', 'filters', 'unlabeled', 'autosomesOnly', 'components', 'scale', 'testFraction', 'splitSeed', 'clusters',
];

/** Checks the options' keys and ranges (cheap: nothing is read), so a bad config fails before any training. */
export function checkGenotypeTaskOptions(options: GenotypeTaskOptions): void {
  const where = 'genotypes';
  if (typeof options !== 'object' || options === null || Array.isArray(options)) invalid(where, 'options', 'a JSON object', options);
  for (const k of Object.keys(options)) {
    if (!(KEYS as readonly string[]).includes(k)) invalid(where, k, `one of the known keys (${KEYS.join(', ')})`, k);
  }
  if (options.vcf !== undefined && options.plink !== undefined) invalid(where, 'vcf / plink', 'at most one of them', 'both');
  const file = options.vcf ?? options.plink;
  if (file !== undefined && options.simulate !== undefined) invalid(where, 'simulate', 'absent when a vcf or plink file is given', options.simulate);
  if (file !== undefined && options.panel === undefined) invalid(where, 'panel', 'a sample sheet path (the population labels) when a vcf or plink file is given', undefined);
  for (const k of ['vcf', 'plink', 'panel', 'populations', 'pcs'] as const) {
    const v = options[k];
    if (v !== undefined && (typeof v !== 'string' || v.trim() === '')) invalid(where, k, 'a file path', v);
  }
  if (options.unlabeled !== undefined && options.unlabeled !== 'error' && options.unlabeled !== 'drop') invalid(where, 'unlabeled', '"error" or "drop"', options.unlabeled);
  if (options.components !== undefined) checkPositiveInt(where, 'components', options.components);
  if (options.scale !== undefined) checkPositive(where, 'scale', options.scale);
  if (options.clusters !== undefined) checkPositiveInt(where, 'clusters', options.clusters);
  const f = options.testFraction;
  if (f !== undefined && !(typeof f === 'number' && f >= 0 && f < 1)) invalid(where, 'testFraction', 'a number in [0, 1)', f);
  if (options.splitSeed !== undefined && !(Number.isInteger(options.splitSeed) && options.splitSeed >= 0)) invalid(where, 'splitSeed', 'an integer >= 0', options.splitSeed);
}

/** The task's PC matrix and labels, from the simulator, a genotype file (through the streaming pipeline) or a PC file. */
export async function genotypeTaskPcs(options: GenotypeTaskOptions = {}): Promise<SavedGenotypePcs> {
  checkGenotypeTaskOptions(options);
  const file = options.vcf ?? options.plink;
  if (file === undefined) {
    if (options.pcs !== undefined) return readGenotypePcs(options.pcs);
    return simulatedPcs(options);
  }
  if (options.pcs !== undefined && existsSync(options.pcs)) return readGenotypePcs(options.pcs);
  const result = await genotypePca({
    ...(options.vcf !== undefined ? { vcf: options.vcf, vcfOptions: options.autosomesOnly === false ? {} : { chromosomes: isAutosome } } : { plink: options.plink! }),
    panel: options.panel!,
    ...(options.populations !== undefined ? { populations: options.populations } : {}),
    labels: { unlabeled: options.unlabeled ?? 'error' },
    filters: { ...DEFAULT_FILTERS, ...options.filters },
    components: options.components ?? FILE_COMPONENTS,
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
  for await (const snp of filterSnps(records(), { ...DEFAULT_FILTERS, ...options.filters }, stats)) gram.addSnp(snp.dosage, snp.p);
  if (gram.snps === 0) throw new ValidationError(`genotypes: no simulated SNP passed the filters (${stats.seen} seen)`);
  const k = Math.min(options.components ?? SIMULATED_COMPONENTS, n, gram.snps);
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
  return simulated ? 30 * Math.sqrt(pcs.snpsUsed / REFERENCE_SNPS) : 30;
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
