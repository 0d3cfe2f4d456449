import { open, stat } from 'node:fs/promises';
import { ValidationError } from '@ddvi/core';
import { notFound, readLines } from './text_lines';
import { chromosomePredicate } from './types';
import type { ChromosomeFilter, GenotypeSource, ReaderStats, SnpRecord } from './types';

/**
 * Streaming reader of PLINK 1 binary filesets (.bed + .bim + .fam), SNP-major mode only.
 *
 * .bed layout (PLINK 1.9 docs, "bed"): magic bytes 0x6c 0x1b, then 0x01 for SNP-major; then one
 * block of ceil(N/4) bytes per SNP (in .bim order), each byte holding four samples (in .fam order),
 * the first sample in the two lowest bits. The 2-bit codes:
 *   00 homozygous A1 (first allele, .bim column 5)   -> dosage 2 (two copies of A1)
 *   01 missing                                        -> -1
 *   10 heterozygous                                   -> 1
 *   11 homozygous A2 (second allele, .bim column 6)  -> dosage 0
 * The dosage counts A1, which `plink --vcf` sets to ALT, so a VCF and the PLINK files made from it
 * read back the same numbers. Unused bits of the last byte of a block are ignored.
 */

export const BED_MAGIC = Uint8Array.from([0x6c, 0x1b, 0x01]);

/** A .fam row. */
export interface FamRow {
  fid: string;
  iid: string;
  father: string;
  mother: string;
  /** 1 male, 2 female, 0 unknown. */
  sex: string;
  phenotype: string;
}

/** dosage of each of the four samples a .bed byte holds: DECODE[byte * 4 + k]. */
const DECODE = (() => {
  const codeToDosage = [2, -1, 1, 0];
  const t = new Int8Array(256 * 4);
  for (let byte = 0; byte < 256; byte++) for (let k = 0; k < 4; k++) t[byte * 4 + k] = codeToDosage[(byte >> (2 * k)) & 3]!;
  return t;
})();

/** Decodes one SNP block of a SNP-major .bed into `out` (length n). */
export function decodeBedBlock(block: Uint8Array, n: number, out: Int8Array): Int8Array {
  const full = n >> 2;
  let j = 0;
  for (let b = 0; b < full; b++) {
    const base = block[b]! << 2;
    out[j++] = DECODE[base]!;
    out[j++] = DECODE[base + 1]!;
    out[j++] = DECODE[base + 2]!;
    out[j++] = DECODE[base + 3]!;
  }
  if (j < n) {
    const base = block[full]! << 2;
    for (let k = 0; j < n; k++) out[j++] = DECODE[base + k]!;
  }
  return out;
}

/** Reads a .fam file: six whitespace-separated columns per line. */
export async function readFam(path: string): Promise<FamRow[]> {
  const rows: FamRow[] = [];
  let lineNo = 0;
  for await (const line of readLines(path, 'PLINK .fam file')) {
    lineNo++;
    if (line.trim() === '') continue;
    const f = line.trim().split(/\s+/);
    if (f.length !== 6) {
      throw new ValidationError(
        `PLINK .fam file ${path} line ${lineNo}: expected 6 whitespace-separated columns (FID IID father mother sex phenotype), found ${f.length}`,
      );
    }
    rows.push({ fid: f[0]!, iid: f[1]!, father: f[2]!, mother: f[3]!, sex: f[4]!, phenotype: f[5]! });
  }
  if (rows.length === 0) throw new ValidationError(`PLINK .fam file ${path}: no samples (the file is empty)`);
  return rows;
}

function parseBim(line: string, path: string, lineNo: number): { chrom: string; id: string; pos: number; a1: string; a2: string } {
  const f = line.trim().split(/\s+/);
  if (f.length !== 6) {
    throw new ValidationError(
      `PLINK .bim file ${path} line ${lineNo}: expected 6 whitespace-separated columns (chrom id cM position A1 A2), found ${f.length}`,
    );
  }
  const pos = Number(f[3]);
  if (!Number.isInteger(pos)) throw new ValidationError(`PLINK .bim file ${path} line ${lineNo}: position must be an integer, got ${JSON.stringify(f[3])}`);
  return { chrom: f[0]!, id: f[1]!, pos, a1: f[4]!, a2: f[5]! };
}

export interface PlinkReadOptions {
  /** Sample IDs from the .fam: `'iid'` (default, as 1000 Genomes panels use) or `'fid_iid'` (FID + "_" + IID). */
  sampleId?: 'iid' | 'fid_iid';
  /** SNPs per .bed read (default: as many as fit in 4 MiB). */
  chunkSnps?: number;
  /** Keep only these chromosomes (names or a predicate such as `isAutosome`); see VcfReadOptions. */
  chromosomes?: ChromosomeFilter;
}

/**
 * Opens a PLINK fileset by prefix (`prefix.bed`, `prefix.bim`, `prefix.fam`). The .fam is read,
 * the .bim lines counted (one streaming pass) and the .bed size checked against both before any
 * SNP is yielded; SNPs then stream in chunks, so memory stays O(N x chunk).
 */
export async function openPlink(prefix: string, options: PlinkReadOptions = {}): Promise<GenotypeSource & { fam: FamRow[] }> {
  const bedPath = `${prefix}.bed`;
  const bimPath = `${prefix}.bim`;
  const famPath = `${prefix}.fam`;
  const fam = await readFam(famPath);
  const n = fam.length;
  const idMode = options.sampleId ?? 'iid';
  if (idMode !== 'iid' && idMode !== 'fid_iid') throw new ValidationError(`openPlink: options.sampleId must be "iid" or "fid_iid", got ${JSON.stringify(idMode)}`);
  const samples = fam.map((r) => (idMode === 'iid' ? r.iid : `${r.fid}_${r.iid}`));
  const dup = samples.findIndex((s, i) => samples.indexOf(s) !== i);
  if (dup >= 0) throw new ValidationError(`PLINK .fam file ${famPath}: sample ID ${JSON.stringify(samples[dup])} appears twice (lines ${samples.indexOf(samples[dup]!) + 1} and ${dup + 1})`);

  let m = 0;
  for await (const line of readLines(bimPath, 'PLINK .bim file')) if (line.trim() !== '') m++;
  const bytesPerSnp = Math.ceil(n / 4);
  let size: number;
  try {
    size = (await stat(bedPath)).size;
  } catch (err) {
    throw notFound(err, bedPath, 'PLINK .bed file');
  }
  const handle = await open(bedPath, 'r');
  const magic = Buffer.alloc(3);
  try {
    await handle.read(magic, 0, 3, 0);
  } catch (err) {
    await handle.close();
    throw err;
  }
  const fail = async (msg: string): Promise<never> => {
    await handle.close().catch(() => undefined);
    throw new ValidationError(`PLINK .bed file ${bedPath}: ${msg}`);
  };
  if (size < 3 || magic[0] !== 0x6c || magic[1] !== 0x1b) {
    await fail(`not a PLINK 1 .bed file: expected magic bytes 0x6c 0x1b, found ${[...magic.subarray(0, Math.min(size, 3))].map((b) => '0x' + b.toString(16).padStart(2, '0')).join(' ') || 'an empty file'}`);
  }
  if (magic[2] !== 0x01) {
    await fail(`mode byte 0x${magic[2]!.toString(16).padStart(2, '0')}: only SNP-major .bed files (third byte 0x01) are supported; convert with plink --make-bed`);
  }
  await handle.close();
  const expected = 3 + m * bytesPerSnp;
  if (size !== expected) {
    const actualSnps = (size - 3) / bytesPerSnp;
    const hint = Number.isInteger(actualSnps) ? ` (the size fits ${actualSnps} SNPs)` : ` (${size - 3} data bytes is not a multiple of ${bytesPerSnp} bytes per SNP: the .fam sample count does not match the .bed)`;
    await fail(
      `size ${size} bytes does not match the .bim and .fam: expected 3 + ${m} SNPs (${bimPath} lines) x ceil(${n} samples (${famPath} lines) / 4) = ${expected} bytes${hint}`,
    );
  }

  const stats: ReaderStats = { records: 0, yielded: 0, multiAllelic: 0, noAlt: 0, otherChromosome: 0 };
  const keepChrom = chromosomePredicate(options.chromosomes);
  const chunkSnps = options.chunkSnps ?? Math.max(1, Math.floor((4 << 20) / bytesPerSnp));
  let started = false;

  async function* snps(): AsyncGenerator<SnpRecord> {
    if (started) throw new ValidationError(`PLINK fileset ${prefix}: snps() may be iterated once; open the files again`);
    started = true;
    const dosage = new Int8Array(n);
    const buf = Buffer.alloc(chunkSnps * bytesPerSnp);
    let inBuf = 0;
    let next = 0;
    let offset = 3;
    let lineNo = 0;
    const bim = readLines(bimPath, 'PLINK .bim file');
    const handle = await open(bedPath, 'r');
    try {
      for await (const line of bim) {
        lineNo++;
        if (line.trim() === '') continue;
        const rec = parseBim(line, bimPath, lineNo);
        if (next === inBuf) {
          const want = Math.min(chunkSnps, m - stats.records) * bytesPerSnp;
          const { bytesRead } = await handle.read(buf, 0, want, offset);
          if (bytesRead !== want) throw new ValidationError(`PLINK .bed file ${bedPath}: short read at byte ${offset} (the file changed while reading?)`);
          offset += want;
          inBuf = want / bytesPerSnp;
          next = 0;
        }
        const block = buf.subarray(next * bytesPerSnp, (next + 1) * bytesPerSnp);
        next++;
        stats.records++;
        if (keepChrom && !keepChrom(rec.chrom)) {
          stats.otherChromosome++;
          continue;
        }
        decodeBedBlock(block, n, dosage);
        stats.yielded++;
        yield { chrom: rec.chrom, pos: rec.pos, id: rec.id, ref: rec.a2, alt: rec.a1, dosage };
      }
      if (stats.records !== m) throw new ValidationError(`PLINK .bim file ${bimPath}: changed while reading (${m} lines counted, ${stats.records} read)`);
    } finally {
      await handle.close();
    }
  }

  return { source: prefix, samples, stats, fam, snps };
}
