/**
 * Streams a large simulated VCF through the genotype loader, the SNP filters and the streaming
 * Gram-matrix PCA, sampling the process's resident memory (RSS) every 100 ms, to show that memory
 * stays flat whatever the file size.
 *
 *   pnpm --filter @ddvi/core build      # the script imports @ddvi/core's build
 *   cd packages/benchmarks && npx tsx scripts/stream-large-vcf.ts [--bytes 1e9] [--samples 1000] [--out /tmp/ddvi-large.vcf] [--keep]
 *
 * --bytes: target file size (default 1e9); --samples: individuals (default 1000); --keep: leave
 * the file in place (default: delete it at the end); --reuse: read an existing --out file.
 * Prints a JSON summary on the last line.
 */
import { rm, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { genotypePca } from '../src/pipeline';
import { simulateGenotypes } from '../src/simulate';
import { writeVcf } from '../src/write_vcf';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    bytes: { type: 'string', default: '1e9' }, samples: { type: 'string', default: '1000' }, out: { type: 'string', default: '/tmp/ddvi-large.vcf' },
    keep: { type: 'boolean', default: false }, reuse: { type: 'boolean', default: false },
  },
});
const flag = (name: 'keep' | 'reuse'): boolean => args[name];

const targetBytes = Number(args.bytes);
const samples = Number(args.samples);
const out = args.out;
const mb = (b: number): number => Math.round((b / 2 ** 20) * 10) / 10;

async function main(): Promise<void> {
  // Each data line: ~40 bytes of fixed columns + 4 bytes per sample ("\t0/1").
  const snps = Math.ceil(targetBytes / (40 + 4 * samples));
  const perPop = Math.floor(samples / 5);
  const sim = simulateGenotypes({
    populations: 5,
    individualsPerPopulation: [perPop, perPop, perPop, perPop, samples - 4 * perPop],
    snps,
    fst: 0.1,
    // U-shaped ancestral frequencies so that the MAF filter has rare SNPs to drop.
    ancestral: { dist: 'beta', a: 0.4, b: 0.4 },
    missingRate: 0.01,
    chromosomes: 22,
    seed: 1,
  });
  let writeSeconds = 0;
  if (!flag('reuse')) {
    console.log(`simulating ${snps} SNPs x ${samples} samples -> ${out}`);
    const t0 = performance.now();
    await writeVcf(out, { samples: sim.samples, snps: sim.snps() });
    writeSeconds = (performance.now() - t0) / 1000;
  }
  const size = (await stat(out)).size;
  console.log(`file: ${mb(size)} MiB (${size} bytes), written in ${writeSeconds.toFixed(1)} s`);

  if (global.gc) global.gc();
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  const trace: { t: number; rssMiB: number; snps: number }[] = [];
  let read = 0;
  const t1 = performance.now();
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
    trace.push({ t: Math.round((performance.now() - t1) / 100) / 10, rssMiB: mb(m.rss), snps: read });
  }, 100);
  const result = await genotypePca({
    vcf: out,
    components: 10,
    filters: { minMaf: 0.01, maxMissing: 0.05 },
    progressEvery: 2000,
    onProgress: (p) => {
      read = p.read;
    },
  });
  clearInterval(timer);
  const seconds = (performance.now() - t1) / 1000;
  // RSS at each tenth of the run, to show it is flat.
  const tenths = Array.from({ length: 11 }, (_, i) => trace[Math.min(trace.length - 1, Math.round((i / 10) * (trace.length - 1)))]);
  console.log('RSS over time (s, MiB, SNPs read):', tenths.map((x) => x && `${x.t}s ${x.rssMiB}MiB ${x.snps}`).join(' | '));
  const summary = {
    file: out,
    fileBytes: size,
    fileMiB: mb(size),
    samples,
    snpsInFile: snps,
    snpsRead: result.reader.records,
    snpsUsed: result.snpsUsed,
    filter: result.filter,
    writeSeconds: Math.round(writeSeconds * 10) / 10,
    streamSeconds: Math.round(seconds * 10) / 10,
    streamMiBPerSecond: Math.round((mb(size) / seconds) * 10) / 10,
    baselineRssMiB: mb(baseline.rss),
    peakRssMiB: mb(peakRss),
    peakHeapUsedMiB: mb(peakHeap),
    rssSamples: trace.length,
    gramMiB: mb(samples * samples * 8 * 2),
    top3ExplainedVariance: Array.from(result.explainedVarianceRatio.subarray(0, 3)).map((v) => Math.round(v * 1e4) / 1e4),
  };
  if (!flag('keep') && !flag('reuse')) await rm(out, { force: true });
  console.log(JSON.stringify(summary));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
