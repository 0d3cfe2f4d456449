import { BACKEND_NAMES, getPosteriorFamily, listPosteriors } from '@ddvi/core';
import { listDatasets } from '@ddvi/benchmarks';
import { listPriors } from '@ddvi/distributions';
import { LIKELIHOODS } from '@ddvi/models';
import { println } from '../io';
import type { Io } from '../io';
import { PRESETS } from '../presets';

/** `ddvi list`: what the registries hold, for --posterior, --prior, --dataset and friends. */
export function listCommand(flags: { json?: boolean }, io: Io): number {
  const posteriors = listPosteriors().map((name) => ({ name, description: getPosteriorFamily(name).description }));
  const record = {
    posteriors,
    priors: listPriors(),
    datasets: listDatasets(),
    likelihoods: [...LIKELIHOODS],
    backends: [...BACKEND_NAMES],
    presets: Object.values(PRESETS).map((p) => ({ name: p.name, description: p.description })),
  };
  if (flags.json) {
    println(io.stdout, JSON.stringify(record, null, 2));
    return 0;
  }
  const section = (title: string, rows: string[]) => {
    println(io.stdout, `${title}:`);
    for (const r of rows) println(io.stdout, `  ${r}`);
  };
  const width = Math.max(...posteriors.map((p) => p.name.length), ...record.presets.map((p) => p.name.length));
  section('posteriors (--posterior)', posteriors.map((p) => `${p.name.padEnd(width)}  ${p.description}`));
  const priorWidth = Math.max(...record.priors.map((p) => p.name.length));
  section('priors (--prior)', record.priors.map((p) => `${p.name.padEnd(priorWidth)}  ${p.description}`));
  section('datasets (--dataset)', record.datasets);
  section('likelihoods (--likelihood)', record.likelihoods);
  section('backends (--backend)', record.backends);
  section('presets (--preset)', record.presets.map((p) => `${p.name.padEnd(width)}  ${p.description}`));
  return 0;
}
