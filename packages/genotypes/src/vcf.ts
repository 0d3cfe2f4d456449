import VCFParser from '@gmod/vcf';
import { ValidationError } from '@ddvi/core';
import { readLines } from './text_lines';
import { chromosomePredicate } from './types';
import type { ChromosomeFilter, GenotypeSource, ReaderStats, SnpRecord } from './types';

/**
 * Streaming VCF genotype reader (plain text or gzip / BGZF, detected from the magic bytes).
 *
 * Line parsing is done by `@gmod/vcf` (GMOD's maintained streaming VCF parser): its
 * `Variant.processGenotypes` visits each sample's GT field by offsets into the line, with no
 * per-sample allocation, which matters for 1000 Genomes-sized records (thousands of samples a
 * line). The header checks, the GT decoding (dosage, ploidy, missing calls) and the column-count
 * check are ours, so every error names the file and line.
 *
 * Records with more than one ALT allele are skipped and counted (`stats.multiAllelic`), as are
 * records with no ALT ("." — `stats.noAlt`). The rest yield the ALT dosage per sample.
 */
export interface VcfReadOptions {
  /**
   * How haploid calls (a GT of one allele, e.g. "1" for a male's chrX) are read. `'error'`
   * (default): a clear error naming the line and sample, since the ancestry pipeline expects
   * diploid autosomes. `'homozygous'`: counted as a homozygous call (0 → 0, 1 → 2), as PLINK 1
   * stores haploid calls.
   */
  haploid?: 'error' | 'homozygous';
  /**
   * Keep only these chromosomes (names or a predicate such as `isAutosome`); other records are
   * skipped before their genotypes are parsed (counted in `stats.otherChromosome`). Use it to
   * leave out chrX/Y/MT, whose male calls are haploid.
   */
  chromosomes?: ChromosomeFilter;
}

/** The parsed header of a VCF. */
export interface VcfHeader {
  /** The `##fileformat=` value, e.g. "VCFv4.1". */
  fileformat: string;
  /** Sample IDs from the `#CHROM` line. */
  samples: string[];
  /** Number of header lines (meta lines + the #CHROM line). */
  lines: number;
}

const FIXED = ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO'];
const ZERO = 48;
const ONE = 49;
const DOT = 46;
const SLASH = 47;
const PIPE = 124;
const TAB = '\t';

/** Opens a VCF and reads its header; the returned source streams the SNPs. */
export async function openVcf(path: string, options: VcfReadOptions = {}): Promise<GenotypeSource & { header: VcfHeader }> {
  const haploid = options.haploid ?? 'error';
  if (haploid !== 'error' && haploid !== 'homozygous') {
    throw new ValidationError(`openVcf: options.haploid must be "error" or "homozygous", got ${JSON.stringify(haploid)}`);
  }
  const lines = readLines(path, 'VCF file');
  const headerLines: string[] = [];
  let lineNo = 0;
  let first: string | undefined;
  let fileformat = '';
  for (;;) {
    const next = await lines.next();
    if (next.done) break;
    lineNo++;
    const line = next.value;
    if (lineNo === 1) {
      const m = /^##fileformat=(VCFv[\d.]+)\s*$/.exec(line);
      if (!m) {
        await lines.return(undefined);
        throw new ValidationError(
          `VCF file ${path} line 1: expected the header to start with "##fileformat=VCFv4.x", found ${preview(line)}`,
        );
      }
      fileformat = m[1]!;
    }
    if (line.startsWith('##')) {
      headerLines.push(line);
      continue;
    }
    if (line.startsWith('#')) {
      headerLines.push(line);
      break;
    }
    first = line;
    break;
  }
  const where = `VCF file ${path}`;
  if (lineNo === 0) throw new ValidationError(`${where}: the file is empty; expected a VCF header starting with "##fileformat=VCFv4.x"`);
  const columnLine = headerLines.at(-1);
  if (first !== undefined || columnLine === undefined || !columnLine.startsWith('#CHROM')) {
    await lines.return(undefined);
    throw new ValidationError(
      `${where} line ${lineNo}: expected the column header line "#CHROM\\tPOS\\tID\\tREF\\tALT\\tQUAL\\tFILTER\\tINFO\\tFORMAT\\t<samples...>" ` +
        `before the first data line, found ${preview(first ?? columnLine ?? '')}`,
    );
  }
  const cols = columnLine.split(TAB);
  const fixedOk = FIXED.every((c, i) => cols[i] === c);
  if (!fixedOk || cols.length < 10 || cols[8] !== 'FORMAT') {
    await lines.return(undefined);
    throw new ValidationError(
      `${where} line ${lineNo}: malformed column header: expected tab-separated ${FIXED.join(' ')} FORMAT followed by at least one sample ID, ` +
        `found ${cols.length} columns: ${preview(columnLine)}`,
    );
  }
  const samples = cols.slice(9);
  const seen = new Map<string, number>();
  samples.forEach((s, i) => {
    if (s === '') throw new ValidationError(`${where} line ${lineNo}: sample column ${i + 1} has an empty ID`);
    const prev = seen.get(s);
    if (prev !== undefined) throw new ValidationError(`${where} line ${lineNo}: sample ID ${JSON.stringify(s)} appears twice (columns ${prev + 10} and ${i + 10})`);
    seen.set(s, i);
  });
  let parser: VCFParser;
  try {
    parser = new VCFParser({ header: headerLines.join('\n'), strict: true });
  } catch (err) {
    await lines.return(undefined);
    throw new ValidationError(`${where}: header rejected by the VCF parser: ${(err as Error).message}`);
  }
  const header: VcfHeader = { fileformat, samples, lines: lineNo };
  const stats: ReaderStats = { records: 0, yielded: 0, multiAllelic: 0, noAlt: 0, otherChromosome: 0 };
  const keepChrom = chromosomePredicate(options.chromosomes);
  let started = false;

  async function* snps(): AsyncGenerator<SnpRecord> {
    if (started) throw new ValidationError(`${where}: snps() may be iterated once; open the file again`);
    started = true;
    const n = samples.length;
    const dosage = new Int8Array(n);
    const expectedTabs = 8 + n;
    let lineNumber = lineNo;
    let bad: string | undefined;
    let line = '';
    const onGenotype = (str: string, start: number, end: number, idx: number): void => {
      if (bad !== undefined) return;
      const len = end - start;
      if (len === 3) {
        const a = str.charCodeAt(start);
        const sep = str.charCodeAt(start + 1);
        const b = str.charCodeAt(start + 2);
        if (sep === SLASH || sep === PIPE) {
          if (a === DOT || b === DOT) {
            dosage[idx] = -1; // "./." or a half-missing call such as "./1": the call counts as missing
            return;
          }
          if ((a === ZERO || a === ONE) && (b === ZERO || b === ONE)) {
            dosage[idx] = a - ZERO + (b - ZERO);
            return;
          }
        }
      } else if (len === 1) {
        const a = str.charCodeAt(start);
        if (a === DOT) {
          dosage[idx] = -1;
          return;
        }
        if (haploid === 'homozygous' && (a === ZERO || a === ONE)) {
          dosage[idx] = 2 * (a - ZERO);
          return;
        }
      }
      bad = describeBadGt(str.slice(start, end), samples[idx]!, idx, haploid);
    };

    try {
      for (;;) {
        if (first !== undefined) {
          line = first;
          first = undefined;
        } else {
          const next = await lines.next();
          if (next.done) break;
          line = next.value;
        }
        lineNumber++;
        if (line === '') continue;
        const at = `${where} line ${lineNumber}`;
        if (line.charCodeAt(0) === 35) throw new ValidationError(`${at}: header line ${preview(line)} after the #CHROM line`);
        stats.records++;
        if (keepChrom && !keepChrom(line.slice(0, Math.max(0, line.indexOf(TAB))))) {
          stats.otherChromosome++;
          continue;
        }
        let tabs = 0;
        for (let p = line.indexOf(TAB); p !== -1; p = line.indexOf(TAB, p + 1)) tabs++;
        if (tabs !== expectedTabs) {
          throw new ValidationError(
            `${at}: expected ${expectedTabs + 1} tab-separated columns (9 fixed + ${n} samples from the header), found ${tabs + 1}`,
          );
        }
        let v;
        try {
          v = parser.parseLine(line);
        } catch (err) {
          throw new ValidationError(`${at}: ${(err as Error).message}`);
        }
        const alt = v.ALT;
        if (alt === undefined || alt.length === 0) {
          stats.noAlt++;
          continue;
        }
        if (alt.length > 1) {
          stats.multiAllelic++;
          continue;
        }
        if (!v.FORMAT || !/(^|:)GT(:|$)/.test(v.FORMAT)) {
          throw new ValidationError(`${at}: FORMAT ${JSON.stringify(v.FORMAT ?? '')} has no GT field; genotypes are read from GT`);
        }
        bad = undefined;
        v.processGenotypes(onGenotype);
        if (bad !== undefined) throw new ValidationError(`${at}: ${bad}`);
        stats.yielded++;
        yield {
          chrom: v.CHROM ?? '',
          pos: v.POS,
          id: v.ID?.join(';') ?? '.',
          ref: v.REF ?? '',
          alt: alt[0]!,
          dosage,
        };
      }
    } finally {
      await lines.return(undefined);
    }
  }

  return { source: path, samples, stats, header, snps };
}

function describeBadGt(gt: string, sample: string, idx: number, haploid: 'error' | 'homozygous'): string {
  const who = `sample ${JSON.stringify(sample)} (column ${idx + 10})`;
  const alleles = gt.split(/[/|]/);
  if (gt === '') return `${who} has an empty GT; expected a diploid call such as 0/1, 0|1 or ./.`;
  if (alleles.length === 1 && /^\d+$/.test(gt)) {
    if (haploid === 'error') {
      return `${who} has the haploid call ${JSON.stringify(gt)}: wrong ploidy, expected a diploid call such as 0/1 ` +
        `(pass haploid: "homozygous" to read haploid calls as homozygous)`;
    }
  }
  if (alleles.length > 2) return `${who} has GT ${JSON.stringify(gt)} with ploidy ${alleles.length}: wrong ploidy, expected a diploid call such as 0/1`;
  if (alleles.some((a) => /^\d+$/.test(a) && Number(a) > 1)) {
    return `${who} has GT ${JSON.stringify(gt)} naming an allele > 1 at a site with one ALT allele`;
  }
  return `${who} has a malformed GT ${JSON.stringify(gt)}; expected 0/0, 0/1, 1/1 (or with |), ./. or .`;
}

function preview(line: string): string {
  return JSON.stringify(line.length > 120 ? line.slice(0, 120) + '...' : line);
}
