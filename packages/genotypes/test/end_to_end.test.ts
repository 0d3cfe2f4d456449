import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGenotypePcs, writeGenotypePcs } from '../src/pcs_file';
import { genotypeDataset, genotypePca } from '../src/pipeline';
import type { GenotypePcaResult } from '../src/pipeline';
import { openVcf } from '../src/vcf';
import { openPlink } from '../src/plink';
import { simulateGenotypes } from '../src/simulate';
import type { SimulatedGenotypes } from '../src/simulate';
import { writeVcf } from '../src/write_vcf';
import { writePlink, writeSampleSheet } from '../src/write_plink';
import { isGzipFile } from '../src/text_lines';
import { genotypeTemp, readAll, separationRatio } from './helpers';

/**
 * Simulator -> files (VCF, BGZF VCF, PLINK, panel) -> loaders -> filters -> streaming PCA.
 * 5 populations x 60 individuals + 30 admixed, 3,000 SNPs, F_ST = 0.1, 2% missing calls.
 */
describe('simulated genotypes end to end', () => {
  const tmp = genotypeTemp();
  let sim: SimulatedGenotypes;
  const results: Record<string, GenotypePcaResult> = {};
  const K = 5;

  beforeAll(async () => {
    sim = simulateGenotypes({ populations: K, individualsPerPopulation: 60, admixed: 30, admixtureAlpha: 1, snps: 3000, fst: 0.1, missingRate: 0.02, linkage: { blockSize: 5, copyProbability: 0.5 }, chromosomes: 2, seed: 42 });
    const input = { samples: sim.samples, snps: sim.snps() };
    await writeVcf(tmp.path('sim.vcf'), input);
    await writeVcf(tmp.path('sim.vcf.gz'), { samples: sim.samples, snps: sim.snps() });
    await writeVcf(tmp.path('sim.phased.vcf.gz'), { samples: sim.samples, snps: sim.snps() }, { phased: true });
    await writePlink(tmp.path('sim'), { samples: sim.samples, snps: sim.snps() });
    await writeSampleSheet(tmp.path('sim.panel'), sim.panelRows());
    const common = { panel: tmp.path('sim.panel'), components: 10, filters: { minMaf: 0.01, maxMissing: 0.05 } };
    results.vcf = await genotypePca({ ...common, vcf: tmp.path('sim.vcf') });
    results.bgzf = await genotypePca({ ...common, vcf: tmp.path('sim.vcf.gz') });
    results.plink = await genotypePca({ ...common, plink: tmp.path('sim') });
  });
  afterAll(() => tmp.cleanup());

  it('reads back exactly the simulated genotypes from every format', async () => {
    const expected: string[] = [];
    const expectedHaps: string[] = [];
    for (const s of sim.snps()) {
      expected.push(Array.from(s.dosage).join(','));
      expectedHaps.push(Array.from(s.haplotypes).join(''));
    }
    expect(await isGzipFile(tmp.path('sim.vcf.gz'))).toBe(true);
    for (const path of ['sim.vcf', 'sim.vcf.gz', 'sim.phased.vcf.gz']) {
      const src = await openVcf(tmp.path(path));
      expect(src.samples).toEqual(sim.samples);
      expect((await readAll(src)).map((r) => r.dosage.join(','))).toEqual(expected);
    }
    const plink = await openPlink(tmp.path('sim'));
    expect(plink.samples).toEqual(sim.samples);
    expect((await readAll(plink)).map((r) => r.dosage.join(','))).toEqual(expected);
    expect(expectedHaps).toHaveLength(3000);
  });

  it('gives identical PCs from VCF, BGZF VCF and PLINK', () => {
    const { vcf, bgzf, plink } = results;
    expect(vcf!.snpsUsed).toBe(bgzf!.snpsUsed);
    expect(vcf!.snpsUsed).toBe(plink!.snpsUsed);
    expect(Array.from(bgzf!.scores)).toEqual(Array.from(vcf!.scores));
    expect(Array.from(plink!.scores)).toEqual(Array.from(vcf!.scores));
    expect(vcf!.filter.seen).toBe(3000);
    // Missing rate per SNP ~ Binomial(330, 0.02)/330: a few SNPs exceed 5%; all others pass MAF.
    expect(vcf!.snpsUsed).toBeGreaterThan(2500);
    expect(vcf!.populations).toEqual(['POP1', 'POP2', 'POP3', 'POP4', 'POP5']);
    expect(Array.from(vcf!.labels)).toEqual(Array.from(sim.labels));
  });

  it('separates the 5 populations in the top K-1 = 4 PCs (centroid distance / within spread > 6)', () => {
    const r = results.vcf!;
    const pureN = 300;
    const x = new Float64Array(pureN * 4);
    for (let i = 0; i < pureN; i++) for (let c = 0; c < 4; c++) x[i * 4 + c] = r.scores[i * r.k + c]!;
    const sep = separationRatio(x, pureN, 4, sim.labels.subarray(0, pureN));
    console.log(`PCA separation (4 PCs, pure individuals): min centroid distance ${sep.minCentroidDistance.toFixed(2)}, max within-population RMS spread ${sep.maxSpread.toFixed(2)}, ratio ${sep.ratio.toFixed(2)}`);
    expect(sep.ratio).toBeGreaterThan(6);
    // Structure sits in K-1 components: the 4th eigenvalue stands far above the 5th.
    expect(r.eigenvalues[3]! / r.eigenvalues[4]!).toBeGreaterThan(5);
  });

  it('places admixed individuals at their ancestry-weighted mix of population centroids', () => {
    const r = results.vcf!;
    const d = 4;
    const cent = new Float64Array(K * d);
    for (let i = 0; i < 300; i++) for (let c = 0; c < d; c++) cent[sim.labels[i]! * d + c]! += r.scores[i * r.k + c]! / 60;
    let err = 0;
    let spread = 0;
    for (let i = 300; i < 330; i++) {
      for (let c = 0; c < d; c++) {
        let pred = 0;
        for (let k = 0; k < K; k++) pred += sim.ancestry[i * K + k]! * cent[k * d + c]!;
        err += (r.scores[i * r.k + c]! - pred) ** 2;
        spread += (cent[sim.labels[i]! * d + c]! - pred) ** 2;
      }
    }
    // The ancestry-weighted position explains them far better than their majority population's centroid.
    expect(Math.sqrt(err / 30)).toBeLessThan(0.3 * Math.sqrt(spread / 30));
  });

  it('makes a labelled TensorDataset of PCs / scale', () => {
    const r = results.vcf!;
    const ds = genotypeDataset(r, { scale: 30, components: 3 });
    expect(ds.size).toBe(330);
    expect(ds.dataSize).toBe(3);
    expect(ds.numClasses).toBe(5);
    expect(ds.data[3 * 7 + 2]).toBeCloseTo(r.scores[7 * r.k + 2]! / 30, 5);
    expect(Array.from(ds.labels!())).toEqual(Array.from(r.labels));
    expect(() => genotypeDataset(r, { components: 11 })).toThrow(/components must be an integer in \[1, 10\]/);
  });

  it('drops unlabeled samples only when asked, and reports a sheet that does not match', async () => {
    await writeSampleSheet(tmp.path('part.panel'), sim.panelRows().slice(0, 300));
    await expect(genotypePca({ vcf: tmp.path('sim.vcf'), panel: tmp.path('part.panel'), components: 2 })).rejects.toThrow(
      /part\.panel does not match .*sim\.vcf: 30 of 330 genotyped samples have no row/,
    );
    const r = await genotypePca({ vcf: tmp.path('sim.vcf'), panel: tmp.path('part.panel'), components: 2, labels: { unlabeled: 'drop' } });
    expect(r.n).toBe(300);
    expect(r.droppedSamples).toHaveLength(30);
  });

  it('saves and reloads the PC matrix exactly', async () => {
    const r = results.vcf!;
    await writeGenotypePcs(tmp.path('pcs.json'), r);
    const back = await readGenotypePcs(tmp.path('pcs.json'));
    expect(Array.from(back.scores)).toEqual(Array.from(r.scores));
    expect(Array.from(back.labels)).toEqual(Array.from(r.labels));
    expect(back.samples).toEqual(r.samples);
    expect(back.populations).toEqual(r.populations);
    expect(Array.from(back.eigenvalues)).toEqual(Array.from(r.eigenvalues));
    expect(genotypeDataset(back).size).toBe(330);
    writeFileSync(tmp.path('bad.json'), JSON.stringify({ format: 'other', version: 1 }));
    await expect(readGenotypePcs(tmp.path('bad.json'))).rejects.toThrow(/bad\.json: expected format "ddvi-genotype-pcs" version 1, found "other"/);
  });

  it('rejects ambiguous inputs', async () => {
    await expect(genotypePca({ vcf: tmp.path('sim.vcf'), plink: tmp.path('sim') })).rejects.toThrow(/pass exactly one of vcf .* or plink .*; got both/);
  });
});
