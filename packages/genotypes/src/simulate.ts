import { SeedStream, ValidationError, invalid } from '@ddvi/core';
import { Rng } from './random';
import type { SampleSheetRow } from './sample_sheet';
import type { SnpRecord } from './types';

/**
 * A population-genetics simulator with known ground truth (ancestry labels and proportions).
 *
 * Model (seeded, deterministic):
 * 1. Ancestral allele frequency per SNP (or per linkage block, see 4): p ~ Uniform(low, high)
 *    (default 0.05..0.95) or Beta(a, b).
 * 2. Population frequencies by the Balding–Nichols model: for each of K populations
 *    p_k ~ Beta(p(1-F)/F, (1-p)(1-F)/F), with F = F_ST (mean p, variance F p (1-p)); F = 0 gives
 *    p_k = p.
 * 3. Individuals: `individualsPerPopulation` pure individuals per population (all alleles drawn
 *    from p_k of their own population) plus `admixed` individuals with ancestry proportions
 *    q ~ Dirichlet(alpha); each allele of an admixed individual first draws its source population
 *    k ~ Categorical(q), then the allele ~ Bernoulli(p_k). Diploid: two independent haplotypes.
 * 4. Linkage (optional): SNPs form consecutive blocks of `blockSize` sharing one frequency draw
 *    (steps 1-2 once per block); inside a block each haplotype copies its allele (and source
 *    population) at the previous SNP with probability `copyProbability`, else draws afresh as in
 *    3. Every SNP keeps the marginal frequency p_k, and adjacent SNPs are correlated (LD r ~
 *    copyProbability within a block, none across blocks). Without `linkage`, SNPs are independent.
 * 5. Missing calls (optional): each genotype is set missing with probability `missingRate`.
 * The counted allele (ALT, dosage) is allele 1; REF/ALT bases are drawn at random.
 */
export interface SimulationOptions {
  /** Number of ancestral populations K (default 5). */
  populations?: number;
  /** Pure individuals per population: one number for all, or one per population (default 100). */
  individualsPerPopulation?: number | readonly number[];
  /** Admixed individuals, listed after the pure ones (default 0). */
  admixed?: number;
  /** Dirichlet concentration of admixture proportions: one for all populations or one each (default 1). */
  admixtureAlpha?: number | readonly number[];
  /** Number of SNPs. */
  snps: number;
  /** F_ST of the Balding–Nichols model, in [0, 1) (default 0.1). */
  fst?: number;
  /** Ancestral frequency distribution (default uniform on [0.05, 0.95]). */
  ancestral?: { dist: 'uniform'; low?: number; high?: number } | { dist: 'beta'; a: number; b: number };
  /** Linkage blocks (default none: independent SNPs). */
  linkage?: { blockSize: number; copyProbability: number };
  /** Probability that a genotype is missing (default 0). */
  missingRate?: number;
  /** SNPs are spread over chromosomes 1..C in equal consecutive runs (default 1). */
  chromosomes?: number;
  /** Seed (default 0). */
  seed?: number;
}

/** A simulated SNP: the record plus its haplotypes (allele of haplotype h of individual i at 2i + h). */
export interface SimulatedSnp extends SnpRecord {
  readonly haplotypes: Uint8Array;
  /** The population frequencies p_k this SNP was drawn from. */
  readonly frequencies: Float64Array;
}

export interface SimulatedGenotypes {
  readonly options: Readonly<Required<Omit<SimulationOptions, 'linkage' | 'ancestral'>>> & Pick<SimulationOptions, 'linkage' | 'ancestral'>;
  /** Sample IDs, "SIM00001"... */
  readonly samples: string[];
  /** Population codes "POP1".."POPK"; label k names populations[k]. */
  readonly populations: string[];
  /** Ground-truth label per individual: its population, or for admixed ones the largest ancestry share. */
  readonly labels: Int32Array;
  /** 1 for admixed individuals. */
  readonly isAdmixed: Uint8Array;
  /** Ancestry proportions, row-major N x K (one-hot for pure individuals). */
  readonly ancestry: Float64Array;
  /** Generates the SNPs (deterministic; each call starts again from the seed). Buffers are reused between records. */
  snps(): Generator<SimulatedSnp>;
  /** Rows of a 1000 Genomes-style panel (sample, pop, super_pop = "SIM" or "ADMIX", gender). */
  panelRows(): SampleSheetRow[];
}

const BASES = ['A', 'C', 'G', 'T'];

export function simulateGenotypes(options: SimulationOptions): SimulatedGenotypes {
  const where = 'simulateGenotypes';
  const o = options ?? ({} as SimulationOptions);
  const K = o.populations ?? 5;
  if (!Number.isInteger(K) || K < 1) invalid(where, 'populations', 'an integer >= 1', K);
  const perPop = typeof o.individualsPerPopulation === 'object' ? [...o.individualsPerPopulation] : new Array<number>(K).fill(o.individualsPerPopulation ?? 100);
  if (perPop.length !== K) invalid(where, 'individualsPerPopulation', `a number or an array of ${K} numbers (one per population)`, o.individualsPerPopulation);
  perPop.forEach((c, k) => {
    if (!Number.isInteger(c) || c < 0) invalid(where, `individualsPerPopulation[${k}]`, 'an integer >= 0', c);
  });
  const admixed = o.admixed ?? 0;
  if (!Number.isInteger(admixed) || admixed < 0) invalid(where, 'admixed', 'an integer >= 0', admixed);
  const alpha = typeof o.admixtureAlpha === 'object' ? [...o.admixtureAlpha] : new Array<number>(K).fill(o.admixtureAlpha ?? 1);
  if (alpha.length !== K || alpha.some((a) => !(Number.isFinite(a) && a > 0))) {
    invalid(where, 'admixtureAlpha', `a number > 0 or an array of ${K} numbers > 0`, o.admixtureAlpha);
  }
  const M = o.snps;
  if (!Number.isInteger(M) || M < 1) invalid(where, 'snps', 'an integer >= 1', M);
  const F = o.fst ?? 0.1;
  if (!(F >= 0 && F < 1)) invalid(where, 'fst', 'a number in [0, 1)', F);
  const anc = o.ancestral ?? { dist: 'uniform' as const };
  let drawAncestral: (r: Rng) => number;
  if (anc.dist === 'uniform') {
    const low = anc.low ?? 0.05;
    const high = anc.high ?? 0.95;
    if (!(low > 0 && high < 1 && low <= high)) invalid(where, 'ancestral.low/high', '0 < low <= high < 1', [low, high]);
    drawAncestral = (r) => low + (high - low) * r.uniform();
  } else if (anc.dist === 'beta') {
    if (!(anc.a > 0 && anc.b > 0)) invalid(where, 'ancestral.a/b', 'numbers > 0', [anc.a, anc.b]);
    drawAncestral = (r) => r.beta(anc.a, anc.b);
  } else {
    throw new ValidationError(`${where}: ancestral.dist must be "uniform" or "beta", got ${JSON.stringify((anc as { dist: unknown }).dist)}`);
  }
  const blockSize = o.linkage?.blockSize ?? 1;
  const copy = o.linkage?.copyProbability ?? 0;
  if (!Number.isInteger(blockSize) || blockSize < 1) invalid(where, 'linkage.blockSize', 'an integer >= 1', blockSize);
  if (!(copy >= 0 && copy <= 1)) invalid(where, 'linkage.copyProbability', 'a number in [0, 1]', copy);
  const missingRate = o.missingRate ?? 0;
  if (!(missingRate >= 0 && missingRate < 1)) invalid(where, 'missingRate', 'a number in [0, 1)', missingRate);
  const chromosomes = o.chromosomes ?? 1;
  if (!Number.isInteger(chromosomes) || chromosomes < 1 || chromosomes > M) invalid(where, 'chromosomes', `an integer in [1, snps = ${M}]`, chromosomes);
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) invalid(where, 'seed', 'an integer in [0, 2^32)', seed);

  const pure = perPop.reduce((a, b) => a + b, 0);
  const N = pure + admixed;
  if (N < 1) throw new ValidationError(`${where}: no individuals (individualsPerPopulation and admixed are all 0)`);
  const seeds = new SeedStream(seed);
  const setupRng = new Rng(seeds.fork('individuals').next());
  const snpSeed = seeds.fork('snps').next();

  const ancestry = new Float64Array(N * K);
  const labels = new Int32Array(N);
  const isAdmixed = new Uint8Array(N);
  const pureOf = new Int32Array(N).fill(-1);
  let i = 0;
  for (let k = 0; k < K; k++) {
    for (let c = 0; c < perPop[k]!; c++, i++) {
      ancestry[i * K + k] = 1;
      labels[i] = k;
      pureOf[i] = k;
    }
  }
  const q = new Float64Array(K);
  for (let a = 0; a < admixed; a++, i++) {
    setupRng.dirichlet(alpha, q);
    let best = 0;
    for (let k = 0; k < K; k++) {
      ancestry[i * K + k] = q[k]!;
      if (q[k]! > q[best]!) best = k;
    }
    labels[i] = best;
    isAdmixed[i] = 1;
  }
  const genders = Array.from({ length: N }, () => (setupRng.uniform() < 0.5 ? 'male' : 'female'));
  const width = Math.max(5, String(N).length);
  const samples = Array.from({ length: N }, (_, j) => `SIM${String(j + 1).padStart(width, '0')}`);
  const populations = Array.from({ length: K }, (_, k) => `POP${k + 1}`);
  // Cumulative ancestry per admixed individual, for drawing each allele's source population.
  const cum = new Float64Array(N * K);
  for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) {
      s += ancestry[j * K + k]!;
      cum[j * K + k] = s;
    }
    cum[j * K + K - 1] = 1.0000001;
  }
  const perChrom = Math.ceil(M / chromosomes);

  function* snps(): Generator<SimulatedSnp> {
    const r = new Rng(snpSeed);
    const hap = new Uint8Array(2 * N);
    const src = new Int32Array(2 * N);
    const dosage = new Int8Array(N);
    const pk = new Float64Array(K);
    for (let s = 0; s < M; s++) {
      const blockStart = s % blockSize === 0;
      if (blockStart) {
        const p = drawAncestral(r);
        if (F === 0) pk.fill(p);
        else {
          const a = (p * (1 - F)) / F;
          const b = ((1 - p) * (1 - F)) / F;
          for (let k = 0; k < K; k++) pk[k] = r.beta(a, b);
        }
      }
      for (let h = 0; h < 2 * N; h++) {
        if (!blockStart && copy > 0 && (copy === 1 || r.uniform() < copy)) continue; // keep hap[h], src[h]
        const ind = h >> 1;
        let k = pureOf[ind]!;
        if (k < 0) {
          const u = r.uniform();
          const base = ind * K;
          k = 0;
          while (u >= cum[base + k]!) k++;
        }
        src[h] = k;
        hap[h] = r.uniform() < pk[k]! ? 1 : 0;
      }
      for (let j = 0; j < N; j++) dosage[j] = hap[2 * j]! + hap[2 * j + 1]!;
      if (missingRate > 0) for (let j = 0; j < N; j++) if (r.uniform() < missingRate) dosage[j] = -1;
      const refIdx = r.int(4);
      const altIdx = (refIdx + 1 + r.int(3)) % 4;
      const chrom = Math.floor(s / perChrom) + 1;
      yield {
        chrom: String(chrom),
        pos: (s - (chrom - 1) * perChrom) * 1000 + 1,
        id: `sim${s + 1}`,
        ref: BASES[refIdx]!,
        alt: BASES[altIdx]!,
        dosage,
        haplotypes: hap,
        frequencies: pk,
      };
    }
  }

  const resolved = {
    populations: K,
    individualsPerPopulation: perPop,
    admixed,
    admixtureAlpha: alpha,
    snps: M,
    fst: F,
    ancestral: anc,
    linkage: o.linkage,
    missingRate,
    chromosomes,
    seed,
  };
  return {
    options: resolved,
    samples,
    populations,
    labels,
    isAdmixed,
    ancestry,
    snps,
    panelRows: () =>
      samples.map((sample, j) => ({ sample, pop: populations[labels[j]!]!, superPop: isAdmixed[j] ? 'ADMIX' : 'SIM', gender: genders[j]! })),
  };
}
