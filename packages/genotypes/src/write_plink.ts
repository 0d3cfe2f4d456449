import { ValidationError, writeFileAtomic } from '@ddvi/core';
import { AtomicFileWriter, ChunkedSink } from './atomic_stream';
import { BED_MAGIC } from './plink';
import type { FamRow } from './plink';
import type { SampleSheetRow } from './sample_sheet';
import type { GenotypeWriteInput, WriteSummary } from './write_vcf';

/** Dosage (count of A1) to the 2-bit .bed code: 2 -> 00, 1 -> 10, 0 -> 11, missing -> 01. */
const CODE: Record<number, number> = { 2: 0b00, 1: 0b10, 0: 0b11, [-1]: 0b01 };

/** Encodes one SNP's dosages as a SNP-major .bed block of ceil(n/4) bytes (unused bits 0). */
export function encodeBedBlock(dosage: Int8Array, out: Uint8Array = new Uint8Array(Math.ceil(dosage.length / 4))): Uint8Array {
  out.fill(0);
  for (let i = 0; i < dosage.length; i++) {
    const code = CODE[dosage[i]!];
    if (code === undefined) throw new ValidationError(`encodeBedBlock: sample ${i}: dosage must be -1, 0, 1 or 2, got ${dosage[i]}`);
    out[i >> 2] = out[i >> 2]! | (code << (2 * (i & 3)));
  }
  return out;
}

export interface PlinkWriteOptions {
  /** .fam rows (default: FID = IID = sample ID, unknown parents, sex 0, phenotype -9). */
  fam?: readonly FamRow[];
}

/**
 * Writes a PLINK 1 binary fileset `prefix.bed/.bim/.fam` (SNP-major), each file atomically. The
 * counted allele (ALT, dosage) is written as A1 (.bim column 5), as `plink --vcf` does.
 */
export async function writePlink(prefix: string, input: GenotypeWriteInput, options: PlinkWriteOptions = {}): Promise<WriteSummary & { files: string[] }> {
  const n = input.samples.length;
  if (n === 0) throw new ValidationError(`writePlink(${prefix}): no samples`);
  const fam = options.fam ?? input.samples.map((s) => ({ fid: s, iid: s, father: '0', mother: '0', sex: '0', phenotype: '-9' }));
  if (fam.length !== n) throw new ValidationError(`writePlink(${prefix}): options.fam has ${fam.length} rows for ${n} samples`);
  const bed = await AtomicFileWriter.open(`${prefix}.bed`);
  const bim = await AtomicFileWriter.open(`${prefix}.bim`);
  let bytes = 0;
  const bedSink = new ChunkedSink(async (b) => {
    bytes += b.length;
    await bed.write(b);
  });
  const bimSink = new ChunkedSink((b) => bim.write(b));
  let count = 0;
  try {
    await bedSink.write(Buffer.from(BED_MAGIC));
    for await (const rec of input.snps) {
      if (rec.dosage.length !== n) throw new ValidationError(`writePlink(${prefix}): SNP ${count + 1} (${rec.id}) has ${rec.dosage.length} dosages for ${n} samples`);
      await bedSink.write(Buffer.from(encodeBedBlock(rec.dosage)));
      await bimSink.write(`${rec.chrom}\t${rec.id}\t0\t${rec.pos}\t${rec.alt}\t${rec.ref}\n`);
      count++;
    }
    await bedSink.flush();
    await bimSink.flush();
    await writeFileAtomic(`${prefix}.fam`, fam.map((r) => [r.fid, r.iid, r.father, r.mother, r.sex, r.phenotype].join(' ')).join('\n') + '\n');
    await bim.commit();
    await bed.commit();
  } catch (err) {
    await bed.abort();
    await bim.abort();
    throw err;
  }
  return { path: `${prefix}.bed`, snps: count, bytes, files: [`${prefix}.bed`, `${prefix}.bim`, `${prefix}.fam`] };
}

/** Writes a 1000 Genomes-style panel (tab-separated `sample pop super_pop gender` with header), atomically. */
export async function writeSampleSheet(path: string, rows: readonly SampleSheetRow[]): Promise<void> {
  const lines = ['sample\tpop\tsuper_pop\tgender', ...rows.map((r) => [r.sample, r.pop, r.superPop ?? '', r.gender ?? ''].join('\t'))];
  await writeFileAtomic(path, lines.join('\n') + '\n');
}
