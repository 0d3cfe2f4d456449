import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIdx } from '../../src/datasets/idx';
import { readIdxFile } from '../../src/datasets/idx_file';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUZZ_SEED, Outcomes, RUNS, mutate, mutation, outcome } from './mutations';
import { loadCifar10 } from '../../src/datasets/cifar10';
import { CIFAR_TEST_FILES, CIFAR_TRAIN_FILES, cifarRecordsToBytes, parseCifarRecords } from '../../src/datasets/cifar_format';
import { synthesizeCifar10 } from '../../src/datasets/cifar_synthetic';

/**
 * Property tests of the IDX and CIFAR-10 readers (the genotype readers' are in @ddvi/genotypes): every damaged file (cut, bit-flipped, overwritten, spliced,
 * a wrong magic number, a header declaring a huge size) ends in a result or in one of our errors
 * (a DdviError naming the file), never in a TypeError/RangeError from deep inside, never in a hang
 * (each case has CASE_MS, ./mutations.ts), and never in an allocation sized by a lying header.
 */


const tmp = mkdtempSync(join(tmpdir(), 'ddvi-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let caseNo = 0;
const fresh = (name: string): string => join(tmp, `${caseNo++}-${name}`);

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

beforeAll(() => {
  caseNo = 0;
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
