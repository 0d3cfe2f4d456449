import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BGZF_EOF, bgzfBlock } from '../../src/bgzf';
import { openPlink } from '../../src/plink';
import { readPopulationOrder, readSampleSheet } from '../../src/sample_sheet';
import { openVcf } from '../../src/vcf';
import { genotypeTemp, readAll } from '../helpers';
// The byte mutations are shared with the IDX reader's fuzz test in @ddvi/benchmarks (one copy, test-only).
import { FUZZ_SEED, Outcomes, RUNS, mutate, mutation, outcome } from '../../../benchmarks/test/fuzz/mutations';

/**
 * Property tests of the file readers: every damaged file (cut, bit-flipped, overwritten, spliced,
 * a wrong magic number, a header declaring a huge size) ends in a result or in one of our errors
 * (a DdviError naming the file), never in a TypeError/RangeError from deep inside, never in a hang
 * (each case has CASE_MS, in @ddvi/benchmarks' test/fuzz/mutations.ts), and never in an allocation sized by a lying header.
 */


const tmp = genotypeTemp();
afterAll(() => tmp.cleanup());
let caseNo = 0;
const fresh = (name: string): string => tmp.path(`${caseNo++}-${name}`);

const VCF = [
  '##fileformat=VCFv4.2',
  '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
  '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2\tS3',
  '1\t100\trs1\tA\tG\t.\tPASS\t.\tGT\t0/0\t0/1\t1/1',
  '1\t200\trs2\tC\tT\t50\tPASS\tAF=0.5\tGT\t0|1\t1|0\t./.',
  '2\t300\trs3\tG\tA\t.\tPASS\t.\tGT\t1/1\t0/0\t0/1',
].join('\n') + '\n';

describe('fuzz: VCF reader', () => {
  const plain = Buffer.from(VCF, 'utf8');
  const bgzipped = Buffer.concat([bgzfBlock(plain), Buffer.from(BGZF_EOF)]);

  for (const [name, bytes] of [['plain', plain], ['bgzipped', bgzipped]] as const) {
    it(`${name}: ${RUNS} damaged files each end in SNPs or a ValidationError`, async () => {
      const tally = new Outcomes();
      await fc.assert(
        fc.asyncProperty(mutation, async (m) => {
          const p = fresh(name === 'plain' ? 'g.vcf' : 'g.vcf.gz');
          writeFileSync(p, mutate(bytes, m));
          await outcome(async () => readAll(await openVcf(p)), `openVcf (${name})`, tally);
        }),
        { seed: FUZZ_SEED, numRuns: RUNS },
      );
      console.log(tally.summary(`VCF (${name})`));
      expect(tally.total).toBe(RUNS);
      expect(tally.rejected).toBeGreaterThan(0);
    });
  }
});

describe('fuzz: PLINK reader', () => {
  const FAM = 'F1 I1 0 0 1 -9\nF2 I2 0 0 2 -9\nF3 I3 0 0 1 -9\nF4 I4 0 0 2 -9\nF5 I5 0 0 0 -9\n';
  const BIM = '1\trs1\t0\t100\tG\tA\n1\trs2\t0\t200\tT\tC\n2\trs3\t0.5\t300\tC\tA\n';
  const BED = Uint8Array.from([0x6c, 0x1b, 0x01, 0xe4, 0x03, 0xff, 0x02, 0x4a, 0x00]);
  const files = { bed: BED, bim: Buffer.from(BIM), fam: Buffer.from(FAM) };

  it(`${RUNS} filesets with one damaged file each end in SNPs or a ValidationError`, async () => {
    const tally = new Outcomes();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('bed', 'bim', 'fam') as fc.Arbitrary<keyof typeof files>, mutation, async (which, m) => {
        const prefix = fresh('p');
        for (const [ext, bytes] of Object.entries(files)) writeFileSync(`${prefix}.${ext}`, ext === which ? mutate(bytes, m) : bytes);
        await outcome(async () => readAll(await openPlink(prefix)), `openPlink (.${which} damaged)`, tally);
      }),
      { seed: FUZZ_SEED, numRuns: RUNS },
    );
    console.log(tally.summary('PLINK .bed/.bim/.fam'));
    expect(tally.total).toBe(RUNS);
    expect(tally.rejected).toBeGreaterThan(RUNS / 2);
  });

  it('a .bim declaring many SNPs against a short .bed is refused before reading', async () => {
    const prefix = fresh('lie');
    writeFileSync(`${prefix}.bed`, BED);
    writeFileSync(`${prefix}.fam`, FAM);
    writeFileSync(`${prefix}.bim`, BIM.repeat(2000));
    await expect(openPlink(prefix)).rejects.toThrow(/size 9 bytes does not match the \.bim and \.fam: expected 3 \+ 6000 SNPs/);
  });
});

describe('fuzz: sample sheets', () => {
  const PANEL = 'sample\tpop\tsuper_pop\tgender\nHG1\tGBR\tEUR\tmale\nNA2\tYRI\tAFR\tfemale\nHG3\tCHB\tEAS\tmale\n';
  const POPS = 'Population Description\tPopulation Code\tSuper Population Code\nHan Chinese\tCHB\tEAS\nBritish\tGBR\tEUR\nYoruba\tYRI\tAFR\n';

  it(`${RUNS} damaged panels and population tables each end in rows or a ValidationError`, async () => {
    const tally = new Outcomes();
    await fc.assert(
      fc.asyncProperty(fc.boolean(), mutation, async (panel, m) => {
        const p = fresh(panel ? 'x.panel' : 'pops.tsv');
        writeFileSync(p, mutate(Buffer.from(panel ? PANEL : POPS), m));
        await outcome(() => (panel ? readSampleSheet(p) : readPopulationOrder(p)), panel ? 'readSampleSheet' : 'readPopulationOrder', tally);
      }),
      { seed: FUZZ_SEED, numRuns: RUNS },
    );
    console.log(tally.summary('sample sheet / population table'));
    expect(tally.total).toBe(RUNS);
    expect(tally.rejected).toBeGreaterThan(0);
  });
});

beforeAll(() => {
  caseNo = 0;
});
