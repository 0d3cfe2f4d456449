import { describe, expect, it } from 'vitest';
import { simulateGenotypes } from '../src/simulate';

describe('simulateGenotypes', () => {
  it('is deterministic per seed', () => {
    const take = (seed: number) => {
      const sim = simulateGenotypes({ populations: 3, individualsPerPopulation: 4, admixed: 2, snps: 20, seed });
      const snps: string[] = [];
      for (const s of sim.snps()) snps.push(Array.from(s.dosage).join(''));
      return { ancestry: Array.from(sim.ancestry), snps };
    };
    expect(take(5)).toEqual(take(5));
    expect(take(6).snps).not.toEqual(take(5).snps);
    const sim = simulateGenotypes({ populations: 3, individualsPerPopulation: 4, snps: 20, seed: 5 });
    expect([...sim.snps()].map((s) => s.id)).toEqual([...sim.snps()].map((s) => s.id)); // re-runnable
  });

  it('draws population frequencies with the Balding–Nichols variance F p (1 - p)', () => {
    const K = 20;
    for (const F of [0.05, 0.1, 0.2]) {
      const sim = simulateGenotypes({ populations: K, individualsPerPopulation: 1, snps: 5000, fst: F, seed: 1 });
      // Moment estimator: E[s^2_k] = F p(1-p) and E[pbar (1 - pbar)] = p(1-p)(1 - F/K).
      let num = 0;
      let den = 0;
      for (const s of sim.snps()) {
        const f = s.frequencies;
        let mean = 0;
        for (let k = 0; k < K; k++) mean += f[k]!;
        mean /= K;
        let v = 0;
        for (let k = 0; k < K; k++) v += (f[k]! - mean) ** 2;
        v /= K - 1;
        num += v;
        den += mean * (1 - mean) + v / K;
      }
      expect(Math.abs(num / den - F)).toBeLessThan(0.1 * F);
    }
  });

  it('draws genotypes from the population frequencies (Hardy–Weinberg)', () => {
    const sim = simulateGenotypes({ populations: 2, individualsPerPopulation: 2000, snps: 30, fst: 0.1, seed: 2 });
    let worst = 0;
    for (const s of sim.snps()) {
      for (let k = 0; k < 2; k++) {
        let sum = 0;
        let het = 0;
        for (let i = k * 2000; i < (k + 1) * 2000; i++) {
          sum += s.dosage[i]!;
          if (s.dosage[i] === 1) het++;
        }
        const p = s.frequencies[k]!;
        worst = Math.max(worst, Math.abs(sum / 4000 - p), Math.abs(het / 2000 - 2 * p * (1 - p)));
      }
    }
    expect(worst).toBeLessThan(0.04); // ~4 standard errors at n = 2000
  });

  it('gives admixed individuals Dirichlet proportions that sum to 1, labelled by their largest share', () => {
    const sim = simulateGenotypes({ populations: 3, individualsPerPopulation: [2, 3, 1], admixed: 50, admixtureAlpha: 0.5, snps: 5, seed: 3 });
    expect(sim.samples).toHaveLength(56);
    expect(Array.from(sim.labels.subarray(0, 6))).toEqual([0, 0, 1, 1, 1, 2]);
    expect(Array.from(sim.ancestry.subarray(0, 3))).toEqual([1, 0, 0]);
    for (let i = 6; i < 56; i++) {
      const q = Array.from(sim.ancestry.subarray(i * 3, i * 3 + 3));
      expect(q.reduce((a, b) => a + b)).toBeCloseTo(1, 12);
      expect(q.indexOf(Math.max(...q))).toBe(sim.labels[i]);
      expect(sim.isAdmixed[i]).toBe(1);
    }
    const rows = sim.panelRows();
    expect(rows[0]).toMatchObject({ sample: sim.samples[0], pop: 'POP1', superPop: 'SIM' });
    expect(rows[6]!.superPop).toBe('ADMIX');
  });

  it('correlates adjacent SNPs inside linkage blocks and not across them', () => {
    const sim = simulateGenotypes({ populations: 1, individualsPerPopulation: 1000, snps: 400, fst: 0.1, linkage: { blockSize: 10, copyProbability: 0.9 }, seed: 4 });
    const haps: Float64Array[] = [];
    for (const s of sim.snps()) haps.push(Float64Array.from(s.haplotypes)); // buffers are reused: copy while iterating
    const corr = (a: Float64Array, b: Float64Array) => {
      const n = a.length;
      const ma = a.reduce((x, y) => x + y) / n;
      const mb = b.reduce((x, y) => x + y) / n;
      let sab = 0;
      let saa = 0;
      let sbb = 0;
      for (let i = 0; i < n; i++) {
        sab += (a[i]! - ma) * (b[i]! - mb);
        saa += (a[i]! - ma) ** 2;
        sbb += (b[i]! - mb) ** 2;
      }
      return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
    };
    const within: number[] = [];
    const across: number[] = [];
    for (let s = 0; s + 1 < haps.length; s++) {
      const c = corr(haps[s]!, haps[s + 1]!);
      if (Number.isNaN(c)) continue;
      ((s + 1) % 10 === 0 ? across : within).push(c);
    }
    const mean = (x: number[]) => x.reduce((a, b) => a + b) / x.length;
    expect(mean(within)).toBeGreaterThan(0.85);
    expect(mean(within)).toBeLessThan(0.95);
    expect(Math.abs(mean(across))).toBeLessThan(0.03);
  });

  it('sets genotypes missing at the given rate', () => {
    const sim = simulateGenotypes({ populations: 2, individualsPerPopulation: 500, snps: 20, missingRate: 0.1, seed: 5 });
    let miss = 0;
    for (const s of sim.snps()) for (const d of s.dosage) if (d < 0) miss++;
    expect(miss / 20000).toBeCloseTo(0.1, 1);
  });

  it('rejects bad options with the parameter named', () => {
    expect(() => simulateGenotypes({ snps: 10, fst: 1 })).toThrow(/simulateGenotypes: fst must be a number in \[0, 1\), got 1/);
    expect(() => simulateGenotypes({ snps: 0 })).toThrow(/snps must be an integer >= 1/);
    expect(() => simulateGenotypes({ snps: 5, populations: 2, individualsPerPopulation: [1, 2, 3] })).toThrow(/individualsPerPopulation must be a number or an array of 2 numbers/);
    expect(() => simulateGenotypes({ snps: 5, linkage: { blockSize: 0, copyProbability: 0.5 } })).toThrow(/linkage\.blockSize must be an integer >= 1/);
  });
});
