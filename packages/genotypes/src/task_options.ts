import { parseConfig, z } from '@ddvi/core';
import type { SnpFilterOptions } from './filters';
import type { SimulationOptions } from './simulate';

/**
 * The ancestry task's defaults, stated once: the task, the bench's splits and its report read them
 * from here. The simulated cohort: 5 populations, F_ST 0.1, 100 individuals each plus 100 admixed
 * (Dirichlet(1)), 5,000 SNPs.
 */
export const DEFAULT_GENOTYPE_SIMULATION: Readonly<SimulationOptions> = {
  populations: 5, individualsPerPopulation: 100, admixed: 100, admixtureAlpha: 1, snps: 5000, fst: 0.1, seed: 0,
};
export const GENOTYPE_TASK_DEFAULTS = {
  /** PCs fed to the model from the simulator. */
  simulatedComponents: 50,
  /** PCs fed to the model from a file (as the reference), at most the number of individuals. */
  fileComponents: 1000,
  /** The model's input is PCs / scale (spec §11) for files and PC files. */
  fileScale: 30,
  filters: { minMaf: 0.01, maxMissing: 0.05 } as Readonly<Omit<SnpFilterOptions, 'keepSamples'>>,
  testFraction: 0.2,
  splitSeed: 0,
  unlabeled: 'error' as 'error' | 'drop',
  autosomesOnly: true,
} as const;
/** SNPs on the Affymetrix 6.0 array of the reference's input (about 906k probes). */
export const REFERENCE_SNPS = 900_000;

const filePath = z.string().regex(/\S/).describe('a file path');

/**
 * The options of the ancestry benchmark task (spec §11, §6, §10.4) as a zod schema, like every
 * other config: where the genotypes come from (the Balding–Nichols simulator by default, or a VCF /
 * PLINK file with its panel, or a saved PC matrix), how they are reduced (filters, PCA, PCs / 30),
 * and how the individuals are split between training and scoring. Parsing fills no defaults (a
 * config records only what was asked); GENOTYPE_TASK_DEFAULTS are applied where the task runs.
 * `simulate` and `filters` are checked in full by simulateGenotypes and filterSnps.
 */
export const genotypeTaskOptionsSchema = z
  .strictObject({
    /** Simulator settings (used when no file is given); merged over DEFAULT_GENOTYPE_SIMULATION. */
    simulate: z.record(z.string(), z.unknown()).describe('a JSON object of simulator options').optional(),
    /** A VCF (`.vcf`, `.vcf.gz`); with `panel`. Exclusive with plink. */
    vcf: filePath.optional(),
    /** A PLINK fileset prefix (`.bed/.bim/.fam`). */
    plink: filePath.optional(),
    /** 1000 Genomes-style sample sheet (`sample pop super_pop ...`): the population labels. */
    panel: filePath.optional(),
    /** The populations table fixing the label order (e.g. 20131219.populations.tsv). */
    populations: filePath.optional(),
    /**
     * A PC file (`writeGenotypePcs`). Alone: the PCs are read from it. With vcf/plink: a cache, read
     * when it exists, else written after the PCA, so the pass over the file runs once.
     */
    pcs: filePath.optional(),
    /** Per-SNP filters (merged over GENOTYPE_TASK_DEFAULTS.filters; at most maxSnps SNPs). */
    filters: z.record(z.string(), z.unknown()).describe('a JSON object of SNP filter options').optional(),
    /** VCF/PLINK samples without a panel row: 'error' (default) or 'drop' (the Affymetrix release has some). */
    unlabeled: z.enum(['error', 'drop']).optional(),
    /** Keep only chromosomes 1-22 of a VCF (default true: chrX/Y calls of males are haploid). */
    autosomesOnly: z.boolean().optional(),
    /** PCs fed to the model (default: fileComponents for files, at most the number of individuals; simulatedComponents for the simulator). */
    components: z.int().min(1).optional(),
    /**
     * The model's input is PCs / scale. Default for files and PC files: fileScale (spec §11). Default
     * for the simulator: fileScale x sqrt(SNPs used / REFERENCE_SNPS), because a PC score grows as
     * the square root of the number of SNPs: this gives the simulated cohort's inputs the magnitude
     * the reference's have (PCs of ~900k array SNPs / 30), where the spec's unit-variance Gaussian
     * decoder has signal to fit.
     */
    scale: z.number().positive().optional(),
    /**
     * Fraction of individuals held out for scoring (seeded, stratified by population; default
     * testFraction). 0 reproduces the reference (spec §11): train on everyone, score everyone.
     */
    testFraction: z.number().min(0).lt(1).optional(),
    /** Seed of the train/test split (default splitSeed). */
    splitSeed: z.int().min(0).optional(),
    /** Components of the GMM behind NMI / purity (default: one per population; the reference's 26-population table: 20). */
    clusters: z.int().min(1).optional(),
  })
  .superRefine((o, ctx) => {
    const file = o.vcf ?? o.plink;
    if (o.vcf !== undefined && o.plink !== undefined) ctx.addIssue({ code: 'custom', path: ['plink'], message: 'absent when a vcf file is given (at most one of vcf / plink)' });
    if (file !== undefined && o.simulate !== undefined) ctx.addIssue({ code: 'custom', path: ['simulate'], message: 'absent when a vcf or plink file is given' });
    if (file !== undefined && o.panel === undefined) ctx.addIssue({ code: 'custom', path: ['panel'], message: 'a sample sheet path (the population labels) when a vcf or plink file is given' });
  });

/** The task's options as given (no defaults filled; see GENOTYPE_TASK_DEFAULTS). */
export interface GenotypeTaskOptions extends Omit<z.output<typeof genotypeTaskOptionsSchema>, 'simulate' | 'filters'> {
  simulate?: Partial<SimulationOptions>;
  filters?: Omit<SnpFilterOptions, 'keepSamples'>;
}

/** Checks the options' keys and ranges (cheap: nothing is read), so a bad config fails before any work; returns them parsed. */
export function parseGenotypeTaskOptions(options: unknown): GenotypeTaskOptions {
  return parseConfig(genotypeTaskOptionsSchema, options, 'genotypes') as GenotypeTaskOptions;
}

/** The train/test split the options ask for, defaults filled. */
export function genotypeSplitOptions(options: GenotypeTaskOptions): { testFraction: number; splitSeed: number } {
  return { testFraction: options.testFraction ?? GENOTYPE_TASK_DEFAULTS.testFraction, splitSeed: options.splitSeed ?? GENOTYPE_TASK_DEFAULTS.splitSeed };
}
