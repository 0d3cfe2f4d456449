import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeBedBlock, openPlink } from '../src/plink';
import { encodeBedBlock, writePlink } from '../src/write_plink';
import { genotypeTemp, readAll } from './helpers';

describe('PLINK .bed decoding', () => {
  it('maps the 2-bit codes exactly: 00 hom A1 -> 2, 01 missing, 10 het -> 1, 11 hom A2 -> 0, low bits first', () => {
    // One byte = samples 0..3 from the lowest bit pair: codes 00, 01, 10, 11 -> 0b11100100 = 0xe4.
    expect(Array.from(decodeBedBlock(Uint8Array.from([0xe4]), 4, new Int8Array(4)))).toEqual([2, -1, 1, 0]);
    // 0x1b = 0b00011011: samples get 11, 10, 01, 00.
    expect(Array.from(decodeBedBlock(Uint8Array.from([0x1b]), 4, new Int8Array(4)))).toEqual([0, 1, -1, 2]);
    // 5 samples: the second byte holds sample 4 in its low bits; the padding bits are ignored.
    expect(Array.from(decodeBedBlock(Uint8Array.from([0xff, 0xfe]), 5, new Int8Array(5)))).toEqual([0, 0, 0, 0, 1]);
  });

  it('encodes as the inverse of decoding', () => {
    const d = Int8Array.from([2, -1, 1, 0, 0, 1, 2]);
    const enc = encodeBedBlock(d);
    expect(Array.from(enc)).toEqual([0xe4, 0b00001011]);
    expect(Array.from(decodeBedBlock(enc, 7, new Int8Array(7)))).toEqual(Array.from(d));
  });
});

describe('openPlink', () => {
  let tmp: ReturnType<typeof genotypeTemp>;
  beforeEach(() => (tmp = genotypeTemp()));
  afterEach(() => tmp.cleanup());

  const FAM = ['F1 I1 0 0 1 -9', 'F2 I2 0 0 2 -9', 'F3 I3 0 0 1 -9', 'F4 I4 0 0 2 -9', 'F5 I5 0 0 0 -9'].join('\n') + '\n';
  const BIM = ['1\trs1\t0\t100\tG\tA', '1\trs2\t0\t200\tT\tC', '2\trs3\t0.5\t300\tC\tA'].join('\n') + '\n';
  // Hand-encoded .bed (5 samples -> 2 bytes per SNP):
  // rs1: 2 -1 1 0 | 0     -> 0xe4, 0x03
  // rs2: 0 0 0 0 | 1      -> 0xff, 0x02
  // rs3: 1 1 2 -1 | 2     -> 0b01001010 = 0x4a, 0x00
  const BED = Uint8Array.from([0x6c, 0x1b, 0x01, 0xe4, 0x03, 0xff, 0x02, 0x4a, 0x00]);

  function files(bed: Uint8Array = BED, bim = BIM, fam = FAM): string {
    const prefix = tmp.path('p');
    writeFileSync(`${prefix}.bed`, bed);
    writeFileSync(`${prefix}.bim`, bim);
    writeFileSync(`${prefix}.fam`, fam);
    return prefix;
  }

  it('reads hand-encoded genotypes back exactly', async () => {
    const src = await openPlink(files(), { chunkSnps: 2 }); // chunk boundary inside the file
    expect(src.samples).toEqual(['I1', 'I2', 'I3', 'I4', 'I5']);
    expect(await readAll(src)).toEqual([
      { chrom: '1', pos: 100, id: 'rs1', ref: 'A', alt: 'G', dosage: [2, -1, 1, 0, 0] },
      { chrom: '1', pos: 200, id: 'rs2', ref: 'C', alt: 'T', dosage: [0, 0, 0, 0, 1] },
      { chrom: '2', pos: 300, id: 'rs3', ref: 'A', alt: 'C', dosage: [1, 1, 2, -1, 2] },
    ]);
    expect(src.stats.records).toBe(3);
  });

  it('skips chromosomes not asked for', async () => {
    const src = await openPlink(files(), { chromosomes: ['2'], chunkSnps: 1 });
    expect((await readAll(src)).map((r) => [r.id, r.dosage])).toEqual([['rs3', [1, 1, 2, -1, 2]]]);
    expect(src.stats).toMatchObject({ records: 3, yielded: 1, otherChromosome: 2 });
  });

  it('round-trips writePlink -> openPlink', async () => {
    const samples = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
    const snps = [
      Int8Array.from([0, 1, 2, -1, 0, 1, 2, -1, 0]),
      Int8Array.from([2, 2, 2, 2, 2, 2, 2, 2, 1]),
    ].map((dosage, s) => ({ chrom: '3', pos: 10 * (s + 1), id: `x${s}`, ref: 'A', alt: 'T', dosage }));
    const prefix = tmp.path('rt');
    await writePlink(prefix, { samples, snps });
    const src = await openPlink(prefix);
    expect(src.samples).toEqual(samples);
    expect((await readAll(src)).map((r) => r.dosage)).toEqual(snps.map((s) => Array.from(s.dosage)));
  });

  it('rejects a .bed whose size does not match the .fam sample count', async () => {
    const sixSamples = FAM + 'F6 I6 0 0 1 -9\n'; // ceil(6/4) = 2 bytes per SNP still: size matches...
    const sevenSamples = sixSamples + 'F7 I7 0 0 1 -9\n' + 'F8 I8 0 0 1 -9\n' + 'F9 I9 0 0 1 -9\n'; // 9 -> 3 bytes per SNP
    await expect(openPlink(files(BED, BIM, sevenSamples))).rejects.toThrow(
      /PLINK \.bed file .*p\.bed: size 9 bytes does not match the \.bim and \.fam: expected 3 \+ 3 SNPs .* x ceil\(9 samples .*\/ 4\) = 12 bytes/,
    );
  });

  it('rejects a .bed whose size does not match the .bim SNP count', async () => {
    await expect(openPlink(files(BED, BIM + '2\trs4\t0\t400\tA\tG\n'))).rejects.toThrow(/expected 3 \+ 4 SNPs .* = 11 bytes \(the size fits 3 SNPs\)/);
  });

  it('rejects a wrong magic number and individual-major mode', async () => {
    const bad = Uint8Array.from(BED);
    bad[0] = 0x00;
    await expect(openPlink(files(bad))).rejects.toThrow(/not a PLINK 1 \.bed file: expected magic bytes 0x6c 0x1b, found 0x00 0x1b 0x01/);
    const ind = Uint8Array.from(BED);
    ind[2] = 0x00;
    await expect(openPlink(files(ind))).rejects.toThrow(/mode byte 0x00: only SNP-major/);
  });

  it('rejects malformed .fam and .bim lines', async () => {
    await expect(openPlink(files(BED, BIM, FAM.replace('F3 I3 0 0 1 -9', 'F3 I3 0 0 1')))).rejects.toThrow(
      /PLINK \.fam file .*p\.fam line 3: expected 6 whitespace-separated columns .* found 5/,
    );
    const src = await openPlink(files(BED, BIM.replace('2\trs3\t0.5\t300\tC\tA', '2\trs3\t0.5\t300\tC A extra')));
    await expect(readAll(src)).rejects.toThrow(/PLINK \.bim file .*p\.bim line 3: expected 6 whitespace-separated columns/);
  });

  it('names a missing file', async () => {
    await expect(openPlink(tmp.path('none'))).rejects.toThrow(/PLINK \.fam file not found: .*none\.fam/);
  });
});
