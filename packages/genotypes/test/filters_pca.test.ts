import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { filterSnps, newFilterStats, standardizeInto } from '../src/filters';
import { GramAccumulator } from '../src/gram';
import { pcaFromGram } from '../src/pca';
import { Rng } from '../src/random';
import type { SnpRecord } from '../src/types';

function rec(id: string, dosage: number[]): SnpRecord {
  return { chrom: '1', pos: 1, id, ref: 'A', alt: 'G', dosage: Int8Array.from(dosage) };
}
async function* stream(recs: SnpRecord[]): AsyncGenerator<SnpRecord> {
  yield* recs;
}
async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('filterSnps', () => {
  // 20 samples each.
  const common = rec('common', [...Array(10).fill(0), ...Array(10).fill(1)]); // p = 0.25
  const rare = rec('rare', [1, ...Array(19).fill(0)]); // p = 1/40 = 0.025
  const missing2 = rec('missing2', [-1, -1, ...Array(9).fill(0), ...Array(9).fill(2)]); // 10% missing
  const mono = rec('mono', Array(20).fill(2));
  const allMissing = rec('allMissing', Array(20).fill(-1));

  it('applies MAF and missingness thresholds and counts why SNPs were dropped', async () => {
    const stats = newFilterStats();
    const out = await collect(filterSnps(stream([common, rare, missing2, mono, allMissing]), { minMaf: 0.05, maxMissing: 0.05 }, stats));
    expect(out.map((s) => s.record.id)).toEqual(['common']);
    expect(out[0]!.p).toBeCloseTo(0.25, 12);
    expect(stats).toEqual({ seen: 5, passed: 1, droppedMissing: 2, droppedMaf: 1, droppedMonomorphic: 1, droppedCap: 0 });
    const loose = await collect(filterSnps(stream([common, rare, missing2, mono]), { minMaf: 0.01, maxMissing: 0.1 }));
    expect(loose.map((s) => s.record.id)).toEqual(['common', 'rare', 'missing2']);
    expect(loose[2]!.p).toBeCloseTo(0.5, 12); // over the 18 non-missing calls
    expect(loose[2]!.missingRate).toBeCloseTo(0.1, 12);
  });

  it('computes frequencies over keepSamples only', async () => {
    const keep = Int32Array.from([10, 11, 12, 13]);
    const out = await collect(filterSnps(stream([common, rare]), { keepSamples: keep, minMaf: 0 }));
    // Within samples 10..13, "common" is all 1 (p = 0.5) and "rare" is monomorphic.
    expect(out.map((s) => s.record.id)).toEqual(['common']);
    expect(Array.from(out[0]!.dosage)).toEqual([1, 1, 1, 1]);
    expect(out[0]!.p).toBe(0.5);
  });

  it('caps by taking the first maxSnps and stops reading there', async () => {
    const recs = Array.from({ length: 10 }, (_, i) => rec(`s${i}`, [0, 1, 2, 1]));
    const stats = newFilterStats();
    const out = await collect(filterSnps(stream(recs), { maxSnps: 3 }, stats));
    expect(out.map((s) => s.record.id)).toEqual(['s0', 's1', 's2']);
    expect(stats.seen).toBe(3);
  });

  it('caps by a seeded reservoir sample, in file order, uniform over the file', async () => {
    const recs = Array.from({ length: 40 }, (_, i) => rec(`s${i}`, [0, 1, 2, 1]));
    const ids = async (seed: number) => (await collect(filterSnps(stream(recs), { maxSnps: 5, cap: 'reservoir', seed }))).map((s) => Number(s.record.id.slice(1)));
    const a = await ids(1);
    expect(a).toHaveLength(5);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(await ids(1)).toEqual(a);
    expect(await ids(2)).not.toEqual(a);
    // Each SNP is kept with probability 5/40: over 400 seeds, counts per SNP ~ 50 +- 7.
    const counts = new Array(40).fill(0);
    for (let s = 0; s < 400; s++) for (const i of await ids(s)) counts[i]++;
    expect(Math.min(...counts)).toBeGreaterThan(25);
    expect(Math.max(...counts)).toBeLessThan(80);
  });

  it('rejects bad options', async () => {
    await expect(collect(filterSnps(stream([common]), { minMaf: 0.7 }))).rejects.toThrow(/filterSnps: minMaf must be a number in \[0, 0\.5\], got 0\.7/);
    await expect(collect(filterSnps(stream([common]), { maxSnps: 0 }))).rejects.toThrow(/maxSnps must be an integer >= 1/);
    await expect(collect(filterSnps(stream([common]), { keepSamples: Int32Array.from([25]) }))).rejects.toThrow(/keepSamples\[0\] = 25 is not a sample index in \[0, 20\)/);
  });

  it('standardizes by sqrt(2p(1-p)) with missing calls imputed to the mean (0)', () => {
    const out = new Float64Array(4);
    standardizeInto(Int8Array.from([0, 1, 2, -1]), 0.25, out);
    const sd = Math.sqrt(2 * 0.25 * 0.75);
    expect(Array.from(out)).toEqual([-0.5 / sd, 0.5 / sd, 1.5 / sd, 0]);
  });
});

describe('GramAccumulator and pcaFromGram', () => {
  const n = 13; // not a multiple of 4: exercises the kernel's edge blocks
  const m = 300;
  const r = new Rng(4);
  const dosages: Int8Array[] = [];
  const ps: number[] = [];
  for (let s = 0; s < m; s++) {
    const d = Int8Array.from({ length: n }, () => (r.uniform() < 0.05 ? -1 : r.int(3)));
    d[0] = 0;
    d[1] = 2; // never monomorphic
    let sum = 0;
    let c = 0;
    d.forEach((v) => v >= 0 && ((sum += v), c++));
    dosages.push(d);
    ps.push(sum / (2 * c));
  }
  const X = new Matrix(n, m);
  const col = new Float64Array(n);
  dosages.forEach((d, s) => {
    standardizeInto(d, ps[s]!, col);
    for (let i = 0; i < n; i++) X.set(i, s, col[i]!);
  });

  it('accumulates X X^T exactly (blocks of any size)', () => {
    const direct = X.mmul(X.transpose());
    for (const block of [1, 7, 128]) {
      const g = new GramAccumulator(n, block);
      dosages.forEach((d, s) => g.addSnp(d, ps[s]!));
      const G = g.matrix();
      let worst = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(G[i * n + j]! - direct.get(i, j)));
      expect(worst).toBeLessThan(1e-9);
      expect(g.snps).toBe(m);
      expect(Array.from(g.takeMatrix())).toEqual(Array.from(G));
      expect(() => g.addSnp(dosages[0]!, ps[0]!)).toThrow(/handed over by takeMatrix/);
    }
  });

  it('gives the PC scores X V of the centered matrix (as sklearn PCA.fit_transform), with a fixed sign', () => {
    const g = new GramAccumulator(n, 16);
    dosages.forEach((d, s) => g.addSnp(d, ps[s]!));
    const k = 4;
    const pca = pcaFromGram(g.matrix(), n, k);
    // Reference: eigenvectors V of X^T X (m x m), scores X V.
    const evd = new EigenvalueDecomposition(X.transpose().mmul(X), { assumeSymmetric: true });
    const vals = evd.realEigenvalues;
    const order = vals.map((_, i) => i).sort((a, b) => vals[b]! - vals[a]!);
    for (let c = 0; c < k; c++) {
      const v = evd.eigenvectorMatrix.getColumnVector(order[c]!);
      const ref = X.mmul(v).to1DArray();
      expect(pca.eigenvalues[c]).toBeCloseTo(vals[order[c]!]!, 6);
      const ours = Array.from({ length: n }, (_, i) => pca.scores[i * k + c]!);
      const sign = Math.sign(ours[0]!) === Math.sign(ref[0]!) ? 1 : -1;
      ours.forEach((x, i) => expect(x).toBeCloseTo(sign * ref[i]!, 6));
      // Sign convention: the largest-magnitude score is positive.
      const big = ours.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a));
      expect(big).toBeGreaterThan(0);
    }
    expect(pca.eigenvalues[0]).toBeGreaterThanOrEqual(pca.eigenvalues[1]!);
    const trace = Array.from({ length: n }, (_, i) => g.matrix()[i * n + i]!).reduce((a, b) => a + b);
    expect(pca.explainedVarianceRatio[0]).toBeCloseTo(pca.eigenvalues[0]! / trace, 12);
  });

  it('rejects bad input', () => {
    expect(() => new GramAccumulator(3).addSnp(Int8Array.from([0, 1]), 0.5)).toThrow(/expected 3 dosages, got 2/);
    expect(() => new GramAccumulator(2).addSnp(Int8Array.from([0, 0]), 0)).toThrow(/allele frequency must be in \(0, 1\), got 0/);
    expect(() => pcaFromGram(new Float64Array(4), 2, 3)).toThrow(/k must be at most n = 2/);
  });
});
