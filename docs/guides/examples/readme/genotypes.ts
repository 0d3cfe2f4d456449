import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { genotypeDataset, genotypePca, openVcf, simulateGenotypes, writeSampleSheet, writeVcf } from '@ddvi/genotypes';

// A Balding–Nichols cohort with known ancestry: 3 populations x 20 individuals, 300 SNPs.
const sim = simulateGenotypes({ populations: 3, individualsPerPopulation: 20, snps: 300, fst: 0.1, seed: 1 });
const dir = mkdtempSync(join(tmpdir(), 'genotypes-readme-'));
await writeVcf(join(dir, 'sim.vcf.gz'), { samples: sim.samples, snps: sim.snps() }); // BGZF, by the .gz name
await writeSampleSheet(join(dir, 'sim.panel'), sim.panelRows());

// The reader streams one SNP at a time: memory stays flat whatever the file's size.
let snps = 0;
for await (const snp of (await openVcf(join(dir, 'sim.vcf.gz'))).snps()) snps += snp.dosage.length > 0 ? 1 : 0;
console.log('SNPs read', snps);

// Filters, standardization and a streaming PCA, then PCs / 30 as a Dataset for @ddvi/core's Trainer.
const pcs = await genotypePca({ vcf: join(dir, 'sim.vcf.gz'), panel: join(dir, 'sim.panel'), components: 10 });
const data = genotypeDataset(pcs, { scale: 30 });
console.log(data.size, 'individuals x', data.dataSize, 'PCs;', pcs.populations.join(', '));
