import { join, resolve as resolvePath } from 'node:path';
import { BACKEND_NAMES, BLAS_THREADS_ENV_VAR, initBackend } from '@ddvi/core';
import { CONTACT_SHEET, EXECUTOR_NAMES, RESULTS_JSON, RESULTS_MD, blasThreadsShare, expandGrid, prepareDatasetFiles, runBenchmark } from '@ddvi/benchmarks';
import { benchHooks, benchVersions } from '../bench_hooks';
import { resolveBench } from '../bench_config';
import { gridPlan, printGridEstimate } from '../bench_estimate';
import type { BenchFlags } from '../bench_config';
import { duration } from '../format';
import { UsageError } from '../errors';
import { backendLine, println } from '../io';
import type { Io } from '../io';
import { choice, integer } from '../parse';
import { CLI_NAME, CLI_VERSION } from '../version';
import { submitGrid } from './bench_slurm';

/** `ddvi bench`: the comparative grid; returns the exit code. */
export async function benchCommand(flags: BenchFlags, io: Io): Promise<number> {
  const startedMs = Date.now();
  const resolved = resolveBench(flags);
  const { preset, out, backend: backendFlag } = resolved;
  // Data files first (CIFAR-10: present, or the preset's generated set written), so a missing folder fails before any work.
  const config = await prepareDatasetFiles(resolved.config, out);
  const executor = choice('--executor', flags.executor ?? 'local', EXECUTOR_NAMES);
  const checkpointEverySteps = flags.checkpointEvery === undefined ? undefined : integer('--checkpoint-every', flags.checkpointEvery, 1);
  const jobs = flags.jobs === undefined ? 1 : integer('--jobs', flags.jobs, 1);
  if (jobs > 1 && executor !== 'local') throw new UsageError(`--jobs runs cells side by side on this machine (the local executor); with --executor ${executor} the cluster runs them`);
  // Cell processes share the cores: a DDVI_BLAS_THREADS above their share is capped (before this
  // process's own kernels load, so the report names the threads the cells ran with).
  if (jobs > 1) Object.assign(process.env, blasThreadsShare(process.env[BLAS_THREADS_ENV_VAR], jobs));
  const backend = await initBackend(backendFlag === undefined ? undefined : choice('--backend', backendFlag, BACKEND_NAMES));
  println(io.stdout, backendLine(backend));
  println(
    io.stdout,
    `bench preset ${preset}: datasets ${config.datasets.join(', ')}; families ${config.families.join(', ')}; priors ${config.priors.join(', ')}; ` +
      `${config.baselines.length > 0 ? `baselines ${config.baselines.join(', ')}; ` : ''}seeds ${config.seeds.join(', ')}; ${config.labels ? `labels ${config.labels.join(', ')} (semi-supervised); ` : ''}${config.epochs} epochs` +
      `${config.trainLimit ? `, ${config.trainLimit} train` : ''}${config.testLimit ? ` / ${config.testLimit} test examples` : ''}; out ${out}`,
  );
  if (flags.estimateOnly) {
    await printGridEstimate(config, out, io, jobs);
    return 0;
  }
  if (executor === 'slurm') return submitGrid({ resolved: { ...resolved, config }, flags, backend: backend.name, io, ...(checkpointEverySteps !== undefined ? { checkpointEverySteps } : {}) });
  const estimate = await printGridEstimate(config, out, io, jobs);
  const hooks = benchHooks(io, expandGrid(config).length, out, gridPlan(config, estimate, jobs));
  let run: Awaited<ReturnType<typeof runBenchmark>>;
  try {
    run = await runBenchmark({
      config, out, tool: { name: CLI_NAME, version: CLI_VERSION }, versions: benchVersions(),
      backend: { name: backend.name, reason: backend.reason, ...(backend.kernels ? { kernels: backend.kernels } : {}) }, hooks,
        command: `${CLI_NAME} bench${preset ? ` --preset ${preset}` : ''}`,
      ...(checkpointEverySteps !== undefined ? { checkpointEverySteps } : {}),
      ...(flags.loadedPlugins ? { plugins: flags.loadedPlugins } : {}),
      // Each cell process is this same ddvi (node, its flags, the script) running `bench run-cell`.
      ...(jobs > 1 ? { processes: { command: [process.execPath, ...process.execArgv, resolvePath(process.argv[1] ?? '')], jobs } } : {}),
    });
  } finally {
    hooks.stop();
  }
  const { results, computed, reused } = run;
  println(io.stdout, `wrote ${join(out, RESULTS_JSON)}, ${join(out, RESULTS_MD)}, ${join(out, CONTACT_SHEET)} and ${results.cells.length} cells under ${join(out, 'cells')} (${computed.length} computed, ${reused.length} read back)`);
  println(io.stdout, `done in ${duration((Date.now() - startedMs) / 1000)}`);
  return 0;
}
