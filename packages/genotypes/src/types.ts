/**
 * One biallelic SNP as the genotype readers yield it.
 *
 * `dosage[i]` is the number of copies of the counted allele carried by sample i: 0, 1 or 2, or -1
 * when the call is missing. The counted allele is ALT for VCF and A1 (the fifth .bim column) for
 * PLINK, which is ALT whenever PLINK made the files from a VCF (`plink --vcf` sets A1 = ALT).
 * Readers may reuse one `dosage` buffer between records: copy it to keep it.
 */
export interface SnpRecord {
  /** Chromosome / contig name. */
  readonly chrom: string;
  /** 1-based position. */
  readonly pos: number;
  /** Variant ID ("." when none). */
  readonly id: string;
  /** Reference allele (VCF REF; PLINK A2). */
  readonly ref: string;
  /** Counted allele (VCF ALT; PLINK A1). */
  readonly alt: string;
  /** Per-sample dosage of `alt`, -1 = missing. Length = number of samples. */
  readonly dosage: Int8Array;
}

/** Counters a reader keeps while streaming, read after the iteration ends. */
export interface ReaderStats {
  /** Data lines / SNP records read from the file. */
  records: number;
  /** Records yielded (biallelic SNPs). */
  yielded: number;
  /** Records skipped because they have more than one ALT allele. */
  multiAllelic: number;
  /** Records skipped because ALT is "." (monomorphic reference sites). */
  noAlt: number;
  /** Records skipped by the reader's `chromosomes` option (their genotypes are not parsed). */
  otherChromosome: number;
}

/** Which chromosomes a reader keeps: a list of names, or a predicate (e.g. `isAutosome`). */
export type ChromosomeFilter = readonly string[] | ((chrom: string) => boolean);

/** True for the human autosomes 1..22, with or without a "chr" prefix. */
export function isAutosome(chrom: string): boolean {
  return /^(chr)?([1-9]|1\d|2[0-2])$/i.test(chrom);
}

/** The predicate of a ChromosomeFilter (undefined: keep all). */
export function chromosomePredicate(filter: ChromosomeFilter | undefined): ((chrom: string) => boolean) | undefined {
  if (filter === undefined) return undefined;
  if (typeof filter === 'function') return filter;
  const set = new Set(filter);
  return (c) => set.has(c);
}

/** A genotype file opened for streaming: the samples up front, SNPs one at a time. */
export interface GenotypeSource {
  /** Where the genotypes come from (file path), for messages. */
  readonly source: string;
  /** Sample IDs, in column order. */
  readonly samples: readonly string[];
  /** Streams the SNPs; may be called once. */
  snps(): AsyncIterable<SnpRecord>;
  /** Counters, complete once `snps()` is exhausted. */
  readonly stats: ReaderStats;
}
