import { ValidationError } from '@ddvi/core';
import { AtomicFileWriter, ChunkedSink } from './atomic_stream';
import { BgzfWriter } from './bgzf';
import type { SnpRecord } from './types';

/** What the writers take: the samples and a stream of SNPs (sync or async). */
export interface GenotypeWriteInput {
  samples: readonly string[];
  snps: Iterable<SnpRecord & { haplotypes?: Uint8Array }> | AsyncIterable<SnpRecord & { haplotypes?: Uint8Array }>;
}

export interface VcfWriteOptions {
  /** BGZF-compress (as bgzip does). Default: when the path ends in `.gz`. */
  bgzip?: boolean;
  /** Write phased calls (`0|1`) from each record's `haplotypes`; default false (`0/1` from the dosage). */
  phased?: boolean;
  /** Extra `##` meta lines (without the leading `##`). */
  meta?: readonly string[];
}

export interface WriteSummary {
  path: string;
  snps: number;
  /** Bytes written to the file (compressed size for .gz). */
  bytes: number;
}

const GT_UNPHASED = ['0/0', '0/1', '1/1'].map((s) => Buffer.from(s));
const GT_MISSING = Buffer.from('./.');

/**
 * Writes a VCF 4.2 with a GT-only FORMAT (plain or BGZF), atomically: the file appears under its
 * name only once complete. SNPs stream through; memory is one line plus one compression block.
 */
export async function writeVcf(path: string, input: GenotypeWriteInput, options: VcfWriteOptions = {}): Promise<WriteSummary> {
  const bgzip = options.bgzip ?? path.endsWith('.gz');
  const phased = options.phased ?? false;
  const n = input.samples.length;
  if (n === 0) throw new ValidationError(`writeVcf(${path}): no samples`);
  const file = await AtomicFileWriter.open(path);
  let bytes = 0;
  const toFile = async (b: Buffer): Promise<void> => {
    bytes += b.length;
    await file.write(b);
  };
  const bgzf = bgzip ? new BgzfWriter(toFile) : undefined;
  const sink = new ChunkedSink(bgzf ? (b) => bgzf.write(b) : toFile, 1 << 20);
  let count = 0;
  try {
    const head = ['##fileformat=VCFv4.2', '##source=ddvi', ...(options.meta ?? []).map((m) => `##${m}`), '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">'];
    head.push(['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...input.samples].join('\t'));
    await sink.write(head.join('\n') + '\n');
    for await (const rec of input.snps) {
      if (rec.dosage.length !== n) {
        throw new ValidationError(`writeVcf(${path}): SNP ${count + 1} (${rec.id}) has ${rec.dosage.length} dosages for ${n} samples`);
      }
      if (phased && (!rec.haplotypes || rec.haplotypes.length !== 2 * n)) {
        throw new ValidationError(`writeVcf(${path}): phased output needs haplotypes of length ${2 * n} on every SNP; SNP ${count + 1} (${rec.id}) has none`);
      }
      const prefix = Buffer.from(`${rec.chrom}\t${rec.pos}\t${rec.id}\t${rec.ref}\t${rec.alt}\t.\tPASS\t.\tGT`);
      const line = Buffer.allocUnsafe(prefix.length + 4 * n + 1);
      prefix.copy(line, 0);
      let o = prefix.length;
      for (let i = 0; i < n; i++) {
        line[o++] = 9;
        const d = rec.dosage[i]!;
        if (d < 0) {
          GT_MISSING.copy(line, o);
          if (phased) line[o + 1] = 124;
        } else if (phased) {
          line[o] = 48 + rec.haplotypes![2 * i]!;
          line[o + 1] = 124;
          line[o + 2] = 48 + rec.haplotypes![2 * i + 1]!;
        } else {
          const gt = GT_UNPHASED[d];
          if (!gt) throw new ValidationError(`writeVcf(${path}): SNP ${count + 1} (${rec.id}) sample ${i}: dosage must be -1, 0, 1 or 2, got ${d}`);
          gt.copy(line, o);
        }
        o += 3;
      }
      line[o] = 10;
      await sink.write(line);
      count++;
    }
    await sink.flush();
    if (bgzf) await bgzf.end();
    await file.commit();
  } catch (err) {
    await file.abort();
    throw err;
  }
  return { path, snps: count, bytes };
}
