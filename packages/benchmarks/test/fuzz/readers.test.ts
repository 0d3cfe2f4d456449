import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DdviError } from '@ddvi/core';
import { loadCifar10 } from '../../src/datasets/cifar10';
import { CIFAR_TEST_FILES, CIFAR_TRAIN_FILES, cifarRecordsToBytes, parseCifarRecords } from '../../src/datasets/cifar_format';
import { synthesizeCifar10 } from '../../src/datasets/cifar_synthetic';
import { parseIdx } from '../../src/datasets/idx';
import { readIdxFile } from '../../src/datasets/idx_file';
import { BGZF_EOF, bgzfBlock } from '../../src/genotypes/bgzf';
import { openPlink } from '../../src/genotypes/plink';
import { readPopulationOrder, readSampleSheet } from '../../src/genotypes/sample_sheet';
import { openVcf } from '../../src/genotypes/vcf';
import { genotypeTemp, readAll } from '../genotypes/helpers';
import { FUZZ_SEED, Outcomes, mutate, mutation, withinTimeout } from './mutations';

/**
 * Property tests of the file readers: every damaged file (cut, bit-flipped, overwritten, spliced,
 * a wrong magic number, a header declaring a huge size) ends in a result or in one of our errors
 * (a DdviError naming the file), never in a TypeError/RangeError from deep inside, never in a hang
 * (each case has CASE_MS), and never in an allocation sized by a lying header.
 */

const CASE_MS = 5_000;
/** Cases per reader; DDVI_FUZZ_RUNS raises it for a longer local hunt (CI keeps 200). */
const RUNS = Number(process.env.DDVI_FUZZ_RUNS ?? 200);

async function outcome(work: () => Promise<unknown>, what: string, tally: Outcomes): Promise<void> {
  try {
    await withinTimeout(work(), CASE_MS, what);
    tally.record();
  } catch (e) {
    // The property: a damaged file is reported by a DdviError (ValidationError or a named subclass).
    if (!(e instanceof DdviError)) throw new Error(`${what}: ended in ${(e as Error)?.name}: ${(e as Error)?.message}, not in a DdviError`, { cause: e });
    tally.record(e);
  }
}

const tmp = genotypeTemp();
afterAll(() => tmp.cleanup());
let caseNo = 0;
const fresh = (name: string): string => tmp.path(`${caseNo++}-${name}`);

function idxBytes(shape: number[], dtype = 0x08, elemSize = 1): Uint8Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(4 + 4 * shape.length + n * elemSize);
  const view = new DataView(out.buffer);
  out[2] = dtype;
  out[3] = shape.length;
  shape.forEach((s, i) => view.setUint32(4 + 4 * i, s, false));
  for (let i = 0; i < n * elemSize; i++) out[4 + 4 * shape.length + i] = (i * 37) & 0xff;
  return out;
}

describe('fuzz: IDX reader', () => {
  const images = idxBytes([3, 4, 5]);
  const floats = idxBytes([6, 2], 0x0d, 4);

  it(`parseIdx: ${RUNS} damaged buffers each end in a result or a ValidationError`, async () => {
    const tally = new Outcomes();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(images, floats), mutation, async (bytes, m) => {
        const bad = mutate(bytes, m);
        await outcome(async () => parseIdx(bad, 'fuzz.idx'), 'parseIdx', tally);
      }),
      { seed: FUZZ_SEED, numRuns: RUNS },
    );
    console.log(tally.summary('IDX (parseIdx)'));
    expect(tally.total).toBe(RUNS);
    expect(tally.rejected).toBeGreaterThan(RUNS / 2);
  });

  it(`headers declaring huge sizes are refused before any allocation (${RUNS} cases)`, async () => {
    const tally = new Outcomes();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 4 }), fc.constantFrom(0x08, 0x0b, 0x0c, 0x0d, 0x0e), async (dims, dtype) => {
        const header = idxBytes(dims.map(() => 0), dtype);
        const view = new DataView(header.buffer);
        dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
        const body = new Uint8Array(header.length + 64);
        body.set(header);
        const before = process.memoryUsage().arrayBuffers;
        await outcome(async () => parseIdx(body, 'huge.idx'), 'parseIdx', tally);
        // A lying header must not have made us allocate what it declares (any result is <= the 64 body bytes x 8).
        expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1 << 20);
      }),
      { seed: FUZZ_SEED, numRuns: RUNS },
    );
    console.log(tally.summary('IDX (huge headers)'));
    expect(tally.total).toBe(RUNS);
  });

  it(`readIdxFile on damaged .gz files (${RUNS / 2} cases)`, async () => {
    const tally = new Outcomes();
    const gz = gzipSync(images);
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const p = fresh('images.idx.gz');
        writeFileSync(p, mutate(gz, m));
        await outcome(() => readIdxFile(p, { maxBytes: 1 << 16 }), 'readIdxFile', tally);
      }),
      { seed: FUZZ_SEED, numRuns: RUNS / 2 },
    );
    console.log(tally.summary('IDX (.gz files)'));
    expect(tally.total).toBe(RUNS / 2);
  });
});

describe('fuzz: CIFAR-10 binary reader', () => {
  const sets = synthesizeCifar10({ trainSize: 10, testSize: 2, seed: 1 });
  const trainFile = (f: number) => cifarRecordsToBytes({ pixels: sets.train.pixels.subarray(f * 2 * 3072, (f + 1) * 2 * 3072), labels: sets.train.labels.subarray(f * 2, (f + 1) * 2) });
  const testFile = cifarRecordsToBytes(sets.test);

  it(`parseCifarRecords: ${RUNS} damaged buffers each end in records or a ValidationError`, async () => {
    const tally = new Outcomes();
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        await outcome(async () => parseCifarRecords(mutate(testFile, m), 'fuzz.bin'), 'parseCifarRecords', tally);
      }),
      { seed: FUZZ_SEED, numRuns: RUNS },
    );
    console.log(tally.summary('CIFAR-10 (parseCifarRecords)'));
    expect(tally.total).toBe(RUNS);
    expect(tally.rejected).toBeGreaterThan(0);
  });

  it(`loadCifar10 (streaming) on folders with one damaged file (${RUNS / 2} cases)`, async () => {
    const tally = new Outcomes();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 5 }), mutation, async (which, m) => {
        const dir = fresh('cifar');
        mkdirSync(dir);
        CIFAR_TRAIN_FILES.forEach((f, i) => writeFileSync(join(dir, f), i === which ? mutate(trainFile(i), m) : trainFile(i)));
        writeFileSync(join(dir, CIFAR_TEST_FILES[0]), which === 5 ? mutate(testFile, m) : testFile);
        await outcome(() => loadCifar10({ split: which === 5 ? 'test' : 'train', dataDir: dir }), 'loadCifar10', tally);
      }),
      { seed: FUZZ_SEED, numRuns: RUNS / 2 },
    );
    console.log(tally.summary('CIFAR-10 (loadCifar10 files)'));
    expect(tally.total).toBe(RUNS / 2);
    expect(tally.rejected).toBeGreaterThan(0);
  });
});

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
