export type { SnpRecord, ReaderStats, GenotypeSource, ChromosomeFilter } from './types';
export { isAutosome, chromosomePredicate } from './types';
export { openVcf } from './vcf';
export type { VcfReadOptions, VcfHeader } from './vcf';
export { openPlink, readFam, decodeBedBlock, BED_MAGIC } from './plink';
export type { FamRow, PlinkReadOptions } from './plink';
export { isGzipFile, openMaybeGzip, readLines } from './text_lines';
export { BgzfWriter, bgzfBlock, BGZF_EOF, BGZF_BLOCK_DATA, crc32 } from './bgzf';
export { AtomicFileWriter, withAtomicFile } from './atomic_stream';
export { readSampleSheet, readPopulationOrder, labelSamples } from './sample_sheet';
export type { SampleSheet, SampleSheetRow, LabelOptions, SampleLabels } from './sample_sheet';
export { filterSnps, newFilterStats, resolveFilterOptions, standardizeInto } from './filters';
export type { SnpFilterOptions, FilteredSnp, FilterStats } from './filters';
export { GramAccumulator } from './gram';
export { pcaFromGram } from './pca';
export type { PcaResult } from './pca';
export { genotypePca, genotypeDataset, openGenotypes } from './pipeline';
export type { GenotypePcaOptions, GenotypePcaResult, GenotypeDatasetOptions } from './pipeline';
export { Rng } from './random';
export { simulateGenotypes } from './simulate';
export type { SimulationOptions, SimulatedGenotypes, SimulatedSnp } from './simulate';
export { writeVcf } from './write_vcf';
export type { GenotypeWriteInput, VcfWriteOptions, WriteSummary } from './write_vcf';
export { writePlink, writeSampleSheet, encodeBedBlock } from './write_plink';
export type { PlinkWriteOptions } from './write_plink';
export { pcaEmbedding, umapEmbedding, tsneEmbedding } from './embeddings';
export type { PcMatrix, UmapOptions, TsneEmbeddingOptions } from './embeddings';
export { tsne } from './tsne';
export type { TsneOptions } from './tsne';
export { writeGenotypePcs, readGenotypePcs, PCS_FORMAT, PCS_VERSION } from './pcs_file';
export type { SavedGenotypePcs } from './pcs_file';
export {
  loadGenotypeTask, loadGenotypeTaskSplits, genotypeTaskPcs, genotypeSplitRows, genotypeScale, taskDataset,
} from './task';
export type { GenotypeTaskSplits } from './task';
export {
  genotypeTaskOptionsSchema, parseGenotypeTaskOptions, genotypeSplitOptions, DEFAULT_GENOTYPE_SIMULATION, GENOTYPE_TASK_DEFAULTS, REFERENCE_SNPS,
} from './task_options';
export type { GenotypeTaskOptions } from './task_options';
