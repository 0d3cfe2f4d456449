import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GENOTYPE_SIMULATION, GENOTYPE_TASK_DEFAULTS, genotypeSplitRows, genotypeTaskPcs, loadGenotypeTask, loadGenotypeTaskSplits,
  parseGenotypeTaskOptions, simulateGenotypes, writePlink, writeSampleSheet, writeVcf,
} from '../src';

/** A very small cohort: 4 populations x 30 + 12 admixed, 600 SNPs, F_ST 0.1. */
const TINY = { simulate: { populations: 4, individualsPerPopulation: 30, admixed: 12, snps: 600, fst: 0.1, seed: 5 }, components: 10 };

describe('the ancestry task', () => {
  it('loads the simulated cohort as PCs / scale with population labels', async () => {
    const data = await loadGenotypeTask(TINY);
    expect(data.size).toBe(4 * 30 + 12);
    expect(data.dataSize).toBe(10);
    expect(data.numClasses).toBe(4);
    const labels = data.labels!();
    for (let k = 0; k < 4; k++) expect(labels.filter((l) => l === k).length).toBeGreaterThanOrEqual(30);
  });

  it('holds out GENOTYPE_TASK_DEFAULTS.testFraction of each population by default', async () => {
    const task = await loadGenotypeTaskSplits(TINY);
    const expected = genotypeSplitRows(task.labels, GENOTYPE_TASK_DEFAULTS.testFraction, GENOTYPE_TASK_DEFAULTS.splitSeed);
    expect(Array.from(task.rows.test)).toEqual(Array.from(expected.test));
    expect(task.train.size + task.test.size).toBe(task.all.size);
  });

  it('splits each population by testFraction, and testFraction 0 scores everyone (spec §11)', async () => {
    const pcs = await genotypeTaskPcs(TINY);
    const { train, test } = genotypeSplitRows(pcs.labels, 0.25, 0);
    expect(train.length + test.length).toBe(pcs.n);
    expect(new Set([...train, ...test]).size).toBe(pcs.n);
    for (let k = 0; k < 4; k++) {
      const inClass = pcs.labels.filter((l) => l === k).length;
      expect(Array.from(test).filter((r) => pcs.labels[r] === k).length).toBe(Math.round(0.25 * inClass));
    }
    const none = genotypeSplitRows(pcs.labels, 0, 0);
    expect(Array.from(none.test)).toEqual(Array.from({ length: pcs.n }, (_, i) => i));
    const splits = await loadGenotypeTaskSplits({ ...TINY, testFraction: 0.25 });
    expect(splits.train.size).toBe(train.length);
    expect(splits.test.size).toBe(test.length);
    expect(Array.from(splits.rows.test)).toEqual(Array.from(test));
  });

  it('reads a VCF with its panel through the streaming pipeline, to the same PCs as the simulated path, and caches them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ddvi-genotypes-files-'));
    try {
      const sim = simulateGenotypes({ ...DEFAULT_GENOTYPE_SIMULATION, ...TINY.simulate });
      await writeVcf(join(dir, 'sim.vcf.gz'), { samples: sim.samples, snps: sim.snps() });
      await writePlink(join(dir, 'sim'), { samples: sim.samples, snps: sim.snps() });
      await writeSampleSheet(join(dir, 'sim.panel'), sim.panelRows());
      const simulated = await genotypeTaskPcs(TINY);
      const cache = join(dir, 'pcs.json');
      const fromVcf = await genotypeTaskPcs({ vcf: join(dir, 'sim.vcf.gz'), panel: join(dir, 'sim.panel'), components: 10, pcs: cache, autosomesOnly: false });
      const fromPlink = await genotypeTaskPcs({ plink: join(dir, 'sim'), panel: join(dir, 'sim.panel'), components: 10 });
      expect(fromVcf.snpsUsed).toBe(simulated.snpsUsed);
      expect(fromVcf.samples).toEqual(simulated.samples);
      // Same genotypes, filters and PCA: the same scores (float64 sums in the same order).
      for (const other of [fromVcf, fromPlink]) {
        let worst = 0;
        for (let i = 0; i < simulated.scores.length; i++) worst = Math.max(worst, Math.abs(other.scores[i]! - simulated.scores[i]!));
        expect(worst).toBeLessThan(1e-9);
      }
      expect(existsSync(cache)).toBe(true);
      const cached = await genotypeTaskPcs({ vcf: join(dir, 'missing.vcf.gz'), panel: join(dir, 'sim.panel'), pcs: cache });
      expect(Array.from(cached.scores)).toEqual(Array.from(fromVcf.scores));
      const data = await loadGenotypeTask({ pcs: cache });
      expect(data.data[0]).toBeCloseTo(fromVcf.scores[0]! / 30, 6); // files: PCs / 30 (spec §11)
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects bad options naming the key, before any work', () => {
    expect(() => parseGenotypeTaskOptions({ testFraction: 1 })).toThrow('genotypes: testFraction must be a finite number >= 0 and < 1, got 1');
    expect(() => parseGenotypeTaskOptions({ vcf: '/x.vcf' })).toThrow('genotypes: panel must be a sample sheet path (the population labels) when a vcf or plink file is given, got nothing');
    expect(() => parseGenotypeTaskOptions({ vcf: 'a.vcf', plink: 'b', panel: 'p' })).toThrow(/plink must be absent when a vcf file is given/);
    expect(() => parseGenotypeTaskOptions({ testFractoin: 0.1 })).toThrow(/unknown key "testFractoin"; did you mean "testFraction"\?/);
    expect(() => parseGenotypeTaskOptions({ unlabeled: 'keep' })).toThrow(/unlabeled must be/);
    expect(() => parseGenotypeTaskOptions([1])).toThrow(/genotypes: config must be/);
    expect(parseGenotypeTaskOptions({ components: 3 })).toEqual({ components: 3 });
  });
});
