import { ValidationError, checkPositive, checkPositiveInt, invalid } from '@ddvi/core';
import { TensorDataset } from '@ddvi/core';
import { filterSnps, newFilterStats } from './filters';
import type { FilterStats, SnpFilterOptions } from './filters';
import { GramAccumulator } from './gram';
import { pcaFromGram } from './pca';
import type { PcaResult } from './pca';
import { openPlink } from './plink';
import type { PlinkReadOptions } from './plink';
import { labelSamples, readPopulationOrder, readSampleSheet } from './sample_sheet';
import type { LabelOptions } from './sample_sheet';
import type { GenotypeSource, ReaderStats } from './types';
import { openVcf } from './vcf';
import type { VcfReadOptions } from './vcf';

/**
 * The preprocessing of the ancestry task, end to end and streaming:
 * genotype file (VCF / BGZF VCF / PLINK) -> samples matched to the panel -> per-SNP filters
 * (missingness, MAF, cap) -> standardize ((g - 2p) / sqrt(2p(1-p)), missing -> 0) -> Gram matrix
 * accumulated SNP by SNP -> eigendecomposition -> top-K PC scores.
 * Memory: O(N^2) for the Gram matrix, whatever the number of SNPs.
 */
export interface GenotypePcaOptions {
  /** A VCF (`.vcf` or `.vcf.gz`, plain gzip or BGZF). Exactly one of vcf / plink. */
  vcf?: string;
  /** A PLINK fileset prefix (`prefix.bed/.bim/.fam`). */
  plink?: string;
  /** Sample sheet in the 1000 Genomes panel format; without it every sample gets label 0. */
  panel?: string;
  /** Populations table (e.g. 20131219.populations.tsv) giving the label order. */
  populations?: string;
  /** Label options (order, unlabeled samples). `populations` overrides `populationOrder`. */
  labels?: LabelOptions;
  /** SNP filters (default MAF >= 0.01, missing <= 0.05, no cap). */
  filters?: Omit<SnpFilterOptions, 'keepSamples'>;
  /** Principal components to keep (default 1000 as in the reference, capped at N). */
  components?: number;
  /** SNPs per Gram update block (default 128). */
  block?: number;
  vcfOptions?: VcfReadOptions;
  plinkOptions?: PlinkReadOptions;
  /** Called every `progressEvery` SNPs read (default 10,000). */
  onProgress?: (p: { read: number; used: number }) => void;
  progressEvery?: number;
}

export interface GenotypePcaResult extends PcaResult {
  source: string;
  /** IDs of the individuals (rows of `scores`). */
  samples: string[];
  /** Class index per individual. */
  labels: Int32Array;
  /** Population code per class index. */
  populations: string[];
  superPopulations: string[];
  /** Genotyped samples left out for lack of a panel row (unlabeled: 'drop'). */
  droppedSamples: string[];
  /** SNPs that entered the PCA. */
  snpsUsed: number;
  reader: ReaderStats;
  filter: FilterStats;
}

export async function openGenotypes(options: Pick<GenotypePcaOptions, 'vcf' | 'plink' | 'vcfOptions' | 'plinkOptions'>): Promise<GenotypeSource> {
  if ((options.vcf === undefined) === (options.plink === undefined)) {
    throw new ValidationError(`genotypePca: pass exactly one of vcf (a .vcf / .vcf.gz path) or plink (a .bed/.bim/.fam prefix); got ${options.vcf === undefined ? 'neither' : 'both'}`);
  }
  return options.vcf !== undefined ? openVcf(options.vcf, options.vcfOptions) : openPlink(options.plink!, options.plinkOptions);
}

export async function genotypePca(options: GenotypePcaOptions): Promise<GenotypePcaResult> {
  const source = await openGenotypes(options);
  let samples = [...source.samples];
  let keep: Int32Array | undefined;
  let labels: Int32Array = new Int32Array(samples.length);
  let populations = ['all'];
  let superPopulations = [''];
  let dropped: string[] = [];
  if (options.panel !== undefined) {
    const sheet = await readSampleSheet(options.panel);
    const order = options.populations !== undefined ? await readPopulationOrder(options.populations) : options.labels?.populationOrder;
    const l = labelSamples(source.samples, sheet, source.source, { ...options.labels, populationOrder: order });
    if (l.dropped.length > 0) keep = l.keep;
    samples = l.samples;
    labels = l.labels;
    populations = l.populations;
    superPopulations = l.superPopulations;
    dropped = l.dropped;
  }
  const n = samples.length;
  if (n < 2) throw new ValidationError(`genotypePca: ${source.source} has ${n} usable sample(s); PCA needs at least 2`);
  const components = Math.min(options.components ?? 1000, n);
  checkPositiveInt('genotypePca', 'components', components);
  const every = options.progressEvery ?? 10_000;
  const gram = new GramAccumulator(n, options.block ?? 128);
  const filter = newFilterStats();
  for await (const snp of filterSnps(source.snps(), { ...options.filters, keepSamples: keep }, filter)) {
    gram.addSnp(snp.dosage, snp.p);
    if (options.onProgress && gram.snps % every === 0) options.onProgress({ read: source.stats.records, used: gram.snps });
  }
  if (gram.snps === 0) {
    throw new ValidationError(
      `genotypePca: no SNP of ${source.source} passed the filters (${filter.seen} biallelic SNPs seen: ${filter.droppedMissing} over maxMissing, ` +
        `${filter.droppedMaf} under minMaf, ${filter.droppedMonomorphic} monomorphic)`,
    );
  }
  const pca = pcaFromGram(gram.takeMatrix(), n, Math.min(components, gram.snps));
  return {
    ...pca,
    source: source.source,
    samples,
    labels,
    populations,
    superPopulations,
    droppedSamples: dropped,
    snpsUsed: gram.snps,
    reader: source.stats,
    filter,
  };
}

export interface GenotypeDatasetOptions {
  /** Divide the PC scores by this (default 30, as the DDVI reference does). */
  scale?: number;
  /** Use the first `components` PCs (default all in the input). */
  components?: number;
  /** Dataset name (default "genotypes"). */
  name?: string;
}

/**
 * The ancestry task's dataset: the PC matrix (n x k, row-major) divided by `scale`, as float32,
 * labelled by population. Plugs in wherever a `TensorDataset` (e.g. MNIST) does.
 */
export function genotypeDataset(
  pcs: { scores: Float64Array | Float32Array; n: number; k: number; labels?: Int32Array; populations?: readonly string[] },
  options: GenotypeDatasetOptions = {},
): TensorDataset {
  const where = 'genotypeDataset';
  const scale = checkPositive(where, 'scale', options.scale ?? 30);
  const { n, k } = pcs;
  if (pcs.scores.length !== n * k) invalid(where, 'scores.length', `n * k = ${n * k}`, pcs.scores.length);
  const d = options.components ?? k;
  if (!Number.isInteger(d) || d < 1 || d > k) invalid(where, 'components', `an integer in [1, ${k}]`, d);
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) data[i * d + c] = pcs.scores[i * k + c]! / scale;
  return new TensorDataset({
    name: options.name ?? 'genotypes',
    data,
    dataSize: d,
    labels: pcs.labels,
    numClasses: pcs.labels ? (pcs.populations?.length ?? undefined) : undefined,
  });
}
