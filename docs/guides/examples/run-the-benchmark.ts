// Guide 3: the comparative benchmark from code, on a grid small enough for a test. `ddvi bench`
// runs the same runner (see the guide for the command line).
// #region example
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '@ddvi/core';
import { RESULTS_MD, resolveBenchConfig, runBenchmark } from '@ddvi/benchmarks';
import '@ddvi/posterior-gaussian';
import '@ddvi/posterior-flow';

export async function runTinyBenchmark(out: string) {
  const backend = await initBackend();
  // Every setting is validated against the registries: unknown families or priors are named.
  const config = resolveBenchConfig({
    datasets: ['toy'], families: ['gaussian', 'iaf'], priors: ['pinwheel'], seeds: [0],
    epochs: 1, stepsPerEpoch: 2, batchSize: 64, trainLimit: 128, testLimit: 64, hidden: [16], iwaeK: 3,
  });
  const { results } = await runBenchmark({
    config, out, tool: { name: 'my-benchmark', version: '0.0.0' }, backend: { name: backend.name, reason: backend.reason },
    hooks: { onCellDone: (i, n, cell) => console.log(`cell ${i}/${n} ${cell.id}: ELBO ${cell.metrics.elbo}`) },
  });
  // results.md: one table per dataset, a row per family x prior, the best value per column in bold.
  const table = readFileSync(join(out, RESULTS_MD), 'utf8');
  // Each cell lists its files (the latent scatter under plots/, its record under cells/).
  const plots = results.cells.flatMap((c) => c.files.filter((f) => f.startsWith('plots/')));
  return { results, table, plots };
}
// #endregion example
