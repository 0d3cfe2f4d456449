import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_NAMES, initBackend, writeFileAtomic } from '@ddvi/core';
import type { TrainEvent } from '@ddvi/core';
import { RESULTS_JSON, RESULTS_MD, describeOwner, runBenchmark } from '@ddvi/benchmarks';
import type { Cell, LatentPlotter } from '@ddvi/benchmarks';
import { resolveBench } from '../bench_config';
import type { BenchFlags } from '../bench_config';
import { duration, num } from '../format';
import { println } from '../io';
import type { Io } from '../io';
import { choice } from '../parse';
import { renderLatentPlot } from '../plots/latent';
import { TrainProgress } from '../progress';
import { CLI_NAME, CLI_VERSION } from '../version';

/** The cell's latent scatter as the train command draws it (vega, PNG), beside the runner's SVG. */
const pngPlotter: LatentPlotter = async (input) => {
  const plot = await renderLatentPlot({
    z: input.z, ...(input.labels ? { labels: input.labels } : {}), labelName: input.labelName, priorSamples: input.priorSamples, title: input.title,
  });
  const file = `plots/${input.stem}.png`;
  await writeFileAtomic(join(input.out, file), plot.png);
  return [file];
};

/** `ddvi bench`: the comparative grid; returns the exit code. */
export async function benchCommand(flags: BenchFlags, io: Io): Promise<number> {
  const startedMs = Date.now();
  const { preset, config, out, backend: backendFlag } = resolveBench(flags);
  const backend = await initBackend(backendFlag === undefined ? undefined : choice('--backend', backendFlag, BACKEND_NAMES));
  println(io.stdout, `backend: ${backend.name} (${backend.reason})`);
  println(
    io.stdout,
    `bench preset ${preset}: datasets ${config.datasets.join(', ')}; families ${config.families.join(', ')}; priors ${config.priors.join(', ')}; ` +
      `seeds ${config.seeds.join(', ')}; ${config.epochs} epochs` +
      `${config.trainLimit ? `, ${config.trainLimit} train` : ''}${config.testLimit ? ` / ${config.testLimit} test examples` : ''}; out ${out}`,
  );
  let progress: TrainProgress | undefined;
  let current: Cell | undefined;
  const { results, computed, reused } = await runBenchmark({
    config, out, tool: { name: CLI_NAME, version: CLI_VERSION },
    versions: { [CLI_NAME]: CLI_VERSION, '@tensorflow/tfjs-core': tf.version_core, node: process.version },
    backend: { name: backend.name, reason: backend.reason },
    command: `${CLI_NAME} bench${preset ? ` --preset ${preset}` : ''}`,
    hooks: {
      onStaleLock: (owner) => {
        println(io.stdout, `note: took over the lock of ${out} left by ${describeOwner(owner)}, which is no longer running`);
      },
      onCellStart: (i, n, cell, cached) => {
        println(io.stdout, `cell ${i}/${n}: ${cell.dataset}, ${cell.family} posterior, ${cell.prior} prior, seed ${cell.seed}${cached ? ' (done earlier; read back)' : ''}`);
      },
      onCellCorrupt: (cell, reason) => {
        println(io.stdout, `warning: the earlier result of ${cell.family} / ${cell.prior} / seed ${cell.seed} fails its check (${reason}); computing it again`);
      },
      onTrainEvent: (cell, e: TrainEvent) => {
        if (cell !== current || !progress) {
          progress?.stop();
          progress = new TrainProgress(io);
          current = cell;
        }
        progress.onEvent(e);
      },
      onCellDone: (i, n, r, cached) => {
        progress?.stop();
        progress = undefined;
        current = undefined;
        if (cached) return;
        const m = r.metrics;
        const show = (v: number | null, digits = 3) => (v === null ? 'n/a' : num(v, digits));
        println(
          io.stdout,
          r.error
            ? `cell ${i}/${n} failed: ${r.error}`
            : `cell ${i}/${n} done in ${duration(r.timing.wallSeconds)}: ELBO ${show(m.elbo, 2)}, IWAE ${show(m.iwae, 2)}, kNN ${show(m.knnAccuracy)}, ` +
                `logreg ${show(m.logisticAccuracy)}, latent NLL ${show(m.latentNll)}, NMI ${show(m.nmi)}, ${show(m.msPerStep, 0)} ms/step`,
        );
      },
      plotLatents: pngPlotter,
    },
  });
  progress?.stop();
  println(io.stdout, `wrote ${join(out, RESULTS_JSON)}, ${join(out, RESULTS_MD)} and ${results.cells.length} cells under ${join(out, 'cells')} (${computed.length} computed, ${reused.length} read back)`);
  println(io.stdout, `done in ${duration((Date.now() - startedMs) / 1000)}`);
  return 0;
}
