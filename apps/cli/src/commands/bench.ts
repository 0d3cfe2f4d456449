import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_NAMES, initBackend, writeFileAtomic } from '@ddvi/core';
import type { TrainEvent } from '@ddvi/core';
import { CONTACT_SHEET, RESULTS_JSON, RESULTS_MD, expandGrid, runBenchmark } from '@ddvi/benchmarks';
import type { Cell, LatentPlotter } from '@ddvi/benchmarks';
import { resolveBench } from '../bench_config';
import { printGridEstimate } from '../bench_estimate';
import type { BenchFlags } from '../bench_config';
import { duration, num } from '../format';
import { println } from '../io';
import type { Io } from '../io';
import { choice } from '../parse';
import { renderLatentPlot } from '../plots/latent';
import { GridProgress } from '../grid_progress';
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
      `${config.baselines.length > 0 ? `baselines ${config.baselines.join(', ')}; ` : ''}seeds ${config.seeds.join(', ')}; ${config.epochs} epochs` +
      `${config.trainLimit ? `, ${config.trainLimit} train` : ''}${config.testLimit ? ` / ${config.testLimit} test examples` : ''}; out ${out}`,
  );
  await printGridEstimate(config, out, io);
  let progress: TrainProgress | undefined;
  let current: Cell | undefined;
  const grid = new GridProgress(io, expandGrid(config).length);
  const say = (text: string) => grid.line(text);
  let run: Awaited<ReturnType<typeof runBenchmark>>;
  try {
    run = await runBenchmark({
      config, out, tool: { name: CLI_NAME, version: CLI_VERSION },
      versions: { [CLI_NAME]: CLI_VERSION, '@tensorflow/tfjs-core': tf.version_core, node: process.version },
      backend: { name: backend.name, reason: backend.reason },
      hooks: {
        onCellStart: (i, n, cell, cached) => {
          const what = cell.baseline ? `${cell.family} baseline` : `${cell.family} posterior, ${cell.prior} prior`;
          say(`cell ${i}/${n}: ${cell.dataset}, ${what}, seed ${cell.seed}${cached ? ' (done earlier; read back)' : ''}`);
          grid.cellStarted(i, `${cell.family}${cell.baseline ? '' : `/${cell.prior}`}`);
        },
        onTrainEvent: (cell, e: TrainEvent) => {
          if (cell !== current || !progress) {
            progress?.stop();
            progress = new TrainProgress(io, grid.multibar ? { multibar: grid.multibar } : {});
            current = cell;
          }
          progress.onEvent(e);
        },
        onCellDone: (i, n, r, cached) => {
          progress?.stop();
          progress = undefined;
          current = undefined;
          grid.cellDone(r.timing.wallSeconds, cached);
          if (cached) return;
          const m = r.metrics;
          const show = (v: number | null, digits = 3) => (v === null ? 'n/a' : num(v, digits));
          say(
            r.error
              ? `cell ${i}/${n} failed: ${r.error}`
              : `cell ${i}/${n} done in ${duration(r.timing.wallSeconds)}: ELBO ${show(m.elbo, 2)}, IWAE ${show(m.iwae, 2)}, kNN ${show(m.knnAccuracy)}, ` +
                  `logreg ${show(m.logisticAccuracy)}, latent NLL ${show(m.latentNll)}, NMI ${show(m.nmi)}, ${show(m.msPerStep, 0)} ms/step`,
          );
        },
        plotLatents: pngPlotter,
      },
    });
  } finally {
    progress?.stop();
    grid.stop();
  }
  const { results, computed, reused } = run;
  println(io.stdout, `wrote ${join(out, RESULTS_JSON)}, ${join(out, RESULTS_MD)}, ${join(out, CONTACT_SHEET)} and ${results.cells.length} cells under ${join(out, 'cells')} (${computed.length} computed, ${reused.length} read back)`);
  println(io.stdout, `done in ${duration((Date.now() - startedMs) / 1000)}`);
  return 0;
}
