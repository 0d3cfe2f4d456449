import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BgzfWriter, BGZF_EOF } from '../src/bgzf';
import { isAutosome } from '../src/types';
import { openVcf } from '../src/vcf';
import { genotypeTemp, readAll } from './helpers';

const HEADER = [
  '##fileformat=VCFv4.1',
  '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
  '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
  '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2\tS3\tS4',
];
const BODY = [
  '1\t100\trs1\tA\tG\t.\tPASS\t.\tGT\t0/0\t0/1\t1/1\t./.',
  '1\t200\trs2\tC\tT\t50\tPASS\tAF=0.5\tGT\t0|1\t1|0\t1|1\t0|0',
  '1\t300\trs3\tG\tA,C\t.\tPASS\t.\tGT\t0/1\t0/2\t1/2\t0/0', // multi-allelic: skipped
  '2\t400\t.\tT\t.\t.\tPASS\t.\tGT\t0/0\t0/0\t0/0\t0/0', // no ALT: skipped
  '2\t500\trs5\tA\tC\t.\tPASS\t.\tGQ:GT\t30:1/1\t20:./1\t10:0/1\t5:0|0', // GT not first; half-missing = missing
];
const EXPECTED = [
  { chrom: '1', pos: 100, id: 'rs1', ref: 'A', alt: 'G', dosage: [0, 1, 2, -1] },
  { chrom: '1', pos: 200, id: 'rs2', ref: 'C', alt: 'T', dosage: [1, 1, 2, 0] },
  { chrom: '2', pos: 500, id: 'rs5', ref: 'A', alt: 'C', dosage: [2, -1, 1, 0] },
];
const TEXT = [...HEADER, ...BODY].join('\n') + '\n';

describe('openVcf', () => {
  let tmp: ReturnType<typeof genotypeTemp>;
  beforeEach(() => (tmp = genotypeTemp()));
  afterEach(() => tmp.cleanup());

  async function check(path: string): Promise<void> {
    const src = await openVcf(path);
    expect(src.samples).toEqual(['S1', 'S2', 'S3', 'S4']);
    expect(src.header.fileformat).toBe('VCFv4.1');
    expect(await readAll(src)).toEqual(EXPECTED);
    expect(src.stats).toEqual({ records: 5, yielded: 3, multiAllelic: 1, noAlt: 1, otherChromosome: 0 });
  }

  it('reads known genotypes back exactly from a plain VCF', async () => {
    const p = tmp.path('a.vcf');
    writeFileSync(p, TEXT);
    await check(p);
  });

  it('reads CRLF line endings', async () => {
    const p = tmp.path('crlf.vcf');
    writeFileSync(p, TEXT.replace(/\n/g, '\r\n'));
    await check(p);
  });

  it('reads a gzipped VCF (single member)', async () => {
    const p = tmp.path('a.vcf.gz');
    writeFileSync(p, gzipSync(TEXT));
    await check(p);
  });

  it('reads a BGZF VCF split over many blocks (multi-member gzip), ending in the EOF block', async () => {
    // Pad with many copies of the records so the text spans several 64 KiB blocks, and cut the
    // blocks in the middle of lines by writing in odd-sized pieces.
    const rows = [...HEADER];
    const copies = 6000;
    for (let c = 0; c < copies; c++) rows.push(BODY[0]!.replace('rs1', `rs1_${c}`));
    rows.push(...BODY.slice(1));
    const text = Buffer.from(rows.join('\n') + '\n');
    const chunks: Buffer[] = [];
    const w = new BgzfWriter(async (b) => void chunks.push(b));
    for (let o = 0; o < text.length; o += 7777) await w.write(text.subarray(o, o + 7777));
    await w.end();
    const bytes = Buffer.concat(chunks);
    expect(text.length).toBeGreaterThan(3 * 0xff00);
    expect(chunks.length).toBeGreaterThan(4); // >= 4 data blocks + EOF
    expect(bytes.subarray(bytes.length - 28)).toEqual(Buffer.from(BGZF_EOF));
    expect(bytes.subarray(12, 14).toString()).toBe('BC'); // the BGZF extra subfield
    const p = tmp.path('b.vcf.gz');
    writeFileSync(p, bytes);
    const src = await openVcf(p);
    const all = await readAll(src);
    expect(all).toHaveLength(copies + 2);
    expect(all[copies - 1]).toEqual({ ...EXPECTED[0], id: `rs1_${copies - 1}` });
    expect(all.slice(copies)).toEqual(EXPECTED.slice(1));
  });

  it('reads haploid calls as homozygous only when asked', async () => {
    const p = tmp.path('hap.vcf');
    writeFileSync(p, [...HEADER, 'X\t10\trsx\tA\tG\t.\tPASS\t.\tGT\t0\t1\t.\t0/1'].join('\n') + '\n');
    await expect(readAll(await openVcf(p))).rejects.toThrow(
      /hap\.vcf line 5: sample "S1" \(column 10\) has the haploid call "0": wrong ploidy, expected a diploid call/,
    );
    const src = await openVcf(p, { haploid: 'homozygous' });
    expect((await readAll(src))[0]!.dosage).toEqual([0, 2, -1, 1]);
  });

  it('reads a header in the style of the 1000 Genomes Affymetrix release (meta lines, INFO, contigs, extra FORMAT keys)', async () => {
    const p = tmp.path('affy.vcf.gz');
    const text = [
      '##fileformat=VCFv4.1',
      '##FILTER=<ID=PASS,Description="All filters passed">',
      '##fileDate=20140825',
      '##reference=ftp://ftp.1000genomes.ebi.ac.uk//vol1/ftp/technical/reference/human_g1k_v37.fasta.gz',
      '##source=affy_6.0',
      '##contig=<ID=1,assembly=b37,length=249250621>',
      '##INFO=<ID=AF,Number=A,Type=Float,Description="Estimated allele frequency in the range (0,1]">',
      '##INFO=<ID=NS,Number=1,Type=Integer,Description="Number of samples with data">',
      '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
      '##FORMAT=<ID=GC,Number=1,Type=Float,Description="Genotype confidence">',
      '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tHG00096\tNA12878\tNA19238',
      '1\t564621\tSNP_A-8575125\tC\tT\t.\tPASS\tAF=0.33;NS=3\tGT:GC\t0/0:0.99\t0/1:0.87\t1/1:0.91',
      '1\t721290\trs12565286\tG\tC\t.\tPASS\tAF=0.5;NS=2\tGT:GC\t./.:.\t0/1:0.5\t1/1:0.97',
    ].join('\n') + '\n';
    writeFileSync(p, gzipSync(text));
    const src = await openVcf(p);
    expect(src.samples).toEqual(['HG00096', 'NA12878', 'NA19238']);
    expect(await readAll(src)).toEqual([
      { chrom: '1', pos: 564621, id: 'SNP_A-8575125', ref: 'C', alt: 'T', dosage: [0, 1, 2] },
      { chrom: '1', pos: 721290, id: 'rs12565286', ref: 'G', alt: 'C', dosage: [-1, 1, 2] },
    ]);
  });

  it('skips other chromosomes before parsing their genotypes', async () => {
    const p = tmp.path('chr.vcf');
    // The chrX line has haploid calls, an error unless the line is skipped.
    writeFileSync(p, [...HEADER, BODY[0], 'X\t10\trsx\tA\tG\t.\tPASS\t.\tGT\t0\t1\t.\t0/1', BODY[4]].join('\n') + '\n');
    const src = await openVcf(p, { chromosomes: isAutosome });
    expect((await readAll(src)).map((r) => r.id)).toEqual(['rs1', 'rs5']);
    expect(src.stats.otherChromosome).toBe(1);
    const only2 = await openVcf(p, { chromosomes: ['2'] });
    expect((await readAll(only2)).map((r) => r.id)).toEqual(['rs5']);
  });

  const bad: [string, string, RegExp][] = [
    ['no fileformat line', TEXT.replace('##fileformat=VCFv4.1\n', ''), /line 1: expected the header to start with "##fileformat=VCFv4.x"/],
    ['an empty file', '', /the file is empty/],
    ['a malformed #CHROM line', TEXT.replace('\tFILTER\t', '\tFILTR\t'), /line 4: malformed column header: expected tab-separated #CHROM POS ID REF ALT QUAL FILTER INFO FORMAT/],
    ['no samples', TEXT.replace('\tFORMAT\tS1\tS2\tS3\tS4', ''), /line 4: malformed column header/],
    ['data before #CHROM', [HEADER[0], BODY[0]].join('\n') + '\n', /line 2: expected the column header line "#CHROM/],
    ['duplicate sample IDs', TEXT.replace('\tS4', '\tS1'), /sample ID "S1" appears twice \(columns 10 and 13\)/],
    ['a line with too few sample columns', [...HEADER, '1\t1\tr\tA\tG\t.\tPASS\t.\tGT\t0/0\t0/1\t1/1'].join('\n'), /line 5: expected 13 tab-separated columns \(9 fixed \+ 4 samples from the header\), found 12/],
    ['a line with too many sample columns', [...HEADER, '1\t1\tr\tA\tG\t.\tPASS\t.\tGT\t0/0\t0/1\t1/1\t0/0\t0/0'].join('\n'), /line 5: expected 13 .* found 14/],
    ['a triploid call', [...HEADER, '1\t1\tr\tA\tG\t.\tPASS\t.\tGT\t0/0\t0/1/1\t1/1\t0/0'].join('\n'), /line 5: sample "S2" \(column 11\) has GT "0\/1\/1" with ploidy 3: wrong ploidy/],
    ['an allele index > 1 at a biallelic site', [...HEADER, '1\t1\tr\tA\tG\t.\tPASS\t.\tGT\t0/0\t0/2\t1/1\t0/0'].join('\n'), /line 5: sample "S2" .* naming an allele > 1/],
    ['a FORMAT without GT', [...HEADER, '1\t1\tr\tA\tG\t.\tPASS\t.\tGQ\t1\t2\t3\t4'].join('\n'), /line 5: FORMAT "GQ" has no GT field/],
    ['a header line among the records', [...HEADER, BODY[0], '##late'].join('\n'), /line 6: header line "##late" after the #CHROM line/],
  ];
  it.each(bad)('rejects %s with a message naming file and line', async (_name, text, re) => {
    const p = tmp.path('bad.vcf');
    writeFileSync(p, text);
    await expect(openVcf(p).then(readAll)).rejects.toThrow(re);
    await expect(openVcf(p).then(readAll)).rejects.toThrow(/VCF file .*bad\.vcf/);
  });

  it('names a missing file', async () => {
    await expect(openVcf(tmp.path('nope.vcf'))).rejects.toThrow(/VCF file not found: .*nope\.vcf/);
  });

  it('reports a truncated gzip file', async () => {
    const p = tmp.path('trunc.vcf.gz');
    const gz = gzipSync(TEXT.repeat(1));
    writeFileSync(p, gz.subarray(0, gz.length - 20));
    await expect(openVcf(p).then(readAll)).rejects.toThrow(/trunc\.vcf\.gz.*(gunzip failed|unexpected end)/i);
  });
});
