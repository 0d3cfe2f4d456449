import { ValidationError, invalid } from '@ddvi/core';
import { Rng } from './random';
import type { SnpRecord } from './types';

/**
 * Streaming SNP quality filters. Each SNP is looked at once, as the reader yields it; only SNPs
 * that pass are handed on, with their allele frequency, so nothing of the genotype file is held in
 * memory (except under `cap: 'reservoir'`, see below).
 *
 * Statistics are computed over the kept samples (`keepSamples`) and their non-missing calls:
 *   missing rate = missing calls / samples; p = (sum of dosages) / (2 x non-missing calls);
 *   MAF = min(p, 1 - p).
 * A SNP passes when missing rate <= maxMissing and MAF >= minMaf; monomorphic SNPs (MAF 0) are
 * always dropped, since they carry no information and cannot be standardized.
 */
export interface SnpFilterOptions {
  /** Smallest minor-allele frequency kept (default 0.01). */
  minMaf?: number;
  /** Largest fraction of missing calls kept (default 0.05). */
  maxMissing?: number;
  /** Keep at most this many passing SNPs (default: no cap). */
  maxSnps?: number;
  /**
   * How `maxSnps` chooses: `'first'` (default) keeps the first maxSnps passing SNPs in file order
   * and stops reading there; `'reservoir'` reads the whole file and keeps a uniform random sample
   * of maxSnps passing SNPs (reservoir sampling, Algorithm R, seeded), yielded in file order at the
   * end. The reservoir holds maxSnps x samples bytes in memory.
   */
  cap?: 'first' | 'reservoir';
  /** Seed of the reservoir sample (default 0). */
  seed?: number;
  /** Indices of the samples analysed (default all), e.g. `labelSamples(...).keep`. */
  keepSamples?: Int32Array;
}

/** A SNP that passed, with its dosages restricted to the kept samples (a fresh copy). */
export interface FilteredSnp {
  record: SnpRecord;
  /** Dosage of the kept samples (-1 missing), a copy owned by the consumer. */
  dosage: Int8Array;
  /** Frequency of the counted allele over non-missing calls of the kept samples. */
  p: number;
  missingRate: number;
}

export interface FilterStats {
  seen: number;
  passed: number;
  droppedMissing: number;
  droppedMaf: number;
  droppedMonomorphic: number;
  /** Passing SNPs not kept because of maxSnps (for 'first': 0, reading stops at the cap). */
  droppedCap: number;
}

export function newFilterStats(): FilterStats {
  return { seen: 0, passed: 0, droppedMissing: 0, droppedMaf: 0, droppedMonomorphic: 0, droppedCap: 0 };
}

/** Validated options with defaults filled in. */
export function resolveFilterOptions(options: SnpFilterOptions = {}): Required<Omit<SnpFilterOptions, 'keepSamples' | 'maxSnps'>> & Pick<SnpFilterOptions, 'keepSamples' | 'maxSnps'> {
  const where = 'filterSnps';
  const minMaf = options.minMaf ?? 0.01;
  const maxMissing = options.maxMissing ?? 0.05;
  const cap = options.cap ?? 'first';
  const seed = options.seed ?? 0;
  if (!(minMaf >= 0 && minMaf <= 0.5)) invalid(where, 'minMaf', 'a number in [0, 0.5]', minMaf);
  if (!(maxMissing >= 0 && maxMissing <= 1)) invalid(where, 'maxMissing', 'a number in [0, 1]', maxMissing);
  if (options.maxSnps !== undefined && !(Number.isInteger(options.maxSnps) && options.maxSnps >= 1)) invalid(where, 'maxSnps', 'an integer >= 1', options.maxSnps);
  if (cap !== 'first' && cap !== 'reservoir') invalid(where, 'cap', '"first" or "reservoir"', cap);
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) invalid(where, 'seed', 'an integer in [0, 2^32)', seed);
  return { minMaf, maxMissing, cap, seed, maxSnps: options.maxSnps, keepSamples: options.keepSamples };
}

/** Filters a SNP stream; `stats` is updated as it goes. */
export async function* filterSnps(snps: AsyncIterable<SnpRecord>, options: SnpFilterOptions = {}, stats: FilterStats = newFilterStats()): AsyncGenerator<FilteredSnp> {
  const o = resolveFilterOptions(options);
  const keep = o.keepSamples;
  const reservoir: { index: number; snp: FilteredSnp }[] = [];
  const rng = new Rng(o.seed);
  let checkedKeep = false;
  for await (const rec of snps) {
    if (!checkedKeep && keep) {
      checkedKeep = true;
      for (let i = 0; i < keep.length; i++) {
        const k = keep[i]!;
        if (!(Number.isInteger(k) && k >= 0 && k < rec.dosage.length)) {
          throw new ValidationError(`filterSnps: keepSamples[${i}] = ${k} is not a sample index in [0, ${rec.dosage.length})`);
        }
      }
    }
    stats.seen++;
    const n = keep ? keep.length : rec.dosage.length;
    const dosage = new Int8Array(n);
    let missing = 0;
    let sum = 0;
    const src = rec.dosage;
    if (keep) {
      for (let i = 0; i < n; i++) {
        const d = src[keep[i]!]!;
        dosage[i] = d;
        if (d < 0) missing++;
        else sum += d;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const d = src[i]!;
        dosage[i] = d;
        if (d < 0) missing++;
        else sum += d;
      }
    }
    const missingRate = missing / n;
    if (missingRate > o.maxMissing || missing === n) {
      stats.droppedMissing++;
      continue;
    }
    const p = sum / (2 * (n - missing));
    const maf = Math.min(p, 1 - p);
    if (maf === 0) {
      stats.droppedMonomorphic++;
      continue;
    }
    if (maf < o.minMaf) {
      stats.droppedMaf++;
      continue;
    }
    const snp: FilteredSnp = { record: { ...rec, dosage }, dosage, p, missingRate };
    if (o.maxSnps === undefined) {
      stats.passed++;
      yield snp;
      continue;
    }
    if (o.cap === 'first') {
      stats.passed++;
      yield snp;
      if (stats.passed >= o.maxSnps) return;
      continue;
    }
    // Reservoir sampling (Algorithm R): the t-th passing SNP (0-based) replaces a random slot
    // with probability maxSnps / (t + 1).
    const t = stats.passed + stats.droppedCap;
    if (reservoir.length < o.maxSnps) {
      reservoir.push({ index: t, snp });
      stats.passed++;
    } else {
      const j = Math.floor(rng.uniform() * (t + 1));
      if (j < o.maxSnps) reservoir[j] = { index: t, snp };
      stats.droppedCap++;
    }
  }
  if (o.cap === 'reservoir' && o.maxSnps !== undefined) {
    reservoir.sort((a, b) => a.index - b.index);
    for (const r of reservoir) yield r.snp;
  }
}

/**
 * Writes the standardized values of one SNP into `out` (stride `stride`, offset `offset`):
 * (g - 2p) / sqrt(2p(1-p)) for a call g, 0 for a missing call (mean imputation: the mean of the
 * non-missing calls is 2p, so an imputed call standardizes to 0). This is the scaling of
 * Patterson, Price & Reich (2006), with p estimated as the plain sample frequency.
 */
export function standardizeInto(dosage: Int8Array, p: number, out: Float64Array, offset = 0, stride = 1): void {
  const mean = 2 * p;
  const inv = 1 / Math.sqrt(2 * p * (1 - p));
  const v0 = -mean * inv;
  const v1 = (1 - mean) * inv;
  const v2 = (2 - mean) * inv;
  for (let i = 0, j = offset; i < dosage.length; i++, j += stride) {
    const d = dosage[i]!;
    out[j] = d === 0 ? v0 : d === 1 ? v1 : d === 2 ? v2 : 0;
  }
}
