import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from '@ddvi/core';
import type { TrainEvent } from '@ddvi/core';
import { describeOwner } from '@ddvi/benchmarks';
import type { BenchHooks, Cell, LatentPlotter } from '@ddvi/benchmarks';
import { duration, num } from './format';
import { GridProgress } from './grid_progress';
import type { GridPlan } from './grid_progress';
import type { Io } from './io';
import { renderLatentPlot } from './plots/latent';
import { TrainProgress } from './progress';
import { CLI_NAME, CLI_VERSION } from './version';

/** The cell's latent scatter as the train command draws it (vega, PNG), beside the runner's SVG. */
const pngPlotter: LatentPlotter = async (input) => {
  const plot = await renderLatentPlot({
    z: input.z, ...(input.labels ? { labels: input.labels } : {}), labelName: input.labelName, priorSamples: input.priorSamples, title: input.title,
  });
  const file = `plots/${input.stem}.png`;
  await writeFileAtomic(join(input.out, file), plot.png);
  return [file];
};

/**
 * What `ddvi bench` (and each Slurm task) shows of each cell: a `cell i/n` line, training progress,
 * the cell's numbers; over a grid progress bar for `total` cells (its ETA from `plan` when given). Also the warnings of the results
 * folder `out`: a stale lock taken over, a corrupt cell file recomputed, a cell another writer holds.
 */
export function benchHooks(io: Io, total: number, out = 'the results folder', plan?: GridPlan): BenchHooks & { stop: () => void } {
  let progress: TrainProgress | undefined;
  let current: Cell | undefined;
  const grid = new GridProgress(io, total, plan ? { plan } : {});
  const say = (text: string) => grid.line(text);
  return {
    onCellStart: (i, n, cell, cached) => {
      const what = cell.baseline
        ? `${cell.family} baseline`
        : `${cell.family}${cell.labels !== undefined ? '-semi' : ''} posterior, ${cell.prior} prior${cell.labels !== undefined ? `, ${cell.labels} labels` : ''}`;
      say(`cell ${i}/${n}: ${cell.dataset}, ${what}, seed ${cell.seed}${cached ? ' (done earlier; read back)' : ''}`);
      grid.cellStarted(i, `${cell.family}${cell.baseline ? '' : `/${cell.prior}`}`);
    },
    onStaleLock: (owner) => {
      say(`note: took over the lock of ${out} left by ${describeOwner(owner)}, which is no longer running`);
    },
    onCellCorrupt: (cell, reason) => {
      say(`warning: the earlier result of ${cellName(cell)} fails its check (${reason}); computing it again`);
    },
    onCellBusy: (cell, heldBy) => {
      say(`cell ${cellName(cell)} is ${heldBy}; waiting for its result`);
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
      grid.cellDone(r.timing.wallSeconds, cached, r.id);
      if (cached) return;
      const m = r.metrics;
      const show = (v: number | null, digits = 3) => (v === null ? 'n/a' : num(v, digits));
      say(
        r.error
          ? `cell ${i}/${n} failed: ${r.error}`
          : `cell ${i}/${n} done in ${duration(r.timing.wallSeconds)}: ${typeof m.classifierAccuracy === 'number' ? `classifier ${show(m.classifierAccuracy)}, ` : ''}ELBO ${show(m.elbo, 2)}, IWAE ${show(m.iwae, 2)}, kNN ${show(m.knnAccuracy)}, ` +
              `logreg ${show(m.logisticAccuracy)}, latent NLL ${show(m.latentNll)}, NMI ${show(m.nmi)}, ${show(m.msPerStep, 0)} ms/step`,
      );
    },
    plotLatents: pngPlotter,
    stop: () => {
      progress?.stop();
      grid.stop();
    },
  };
}

function cellName(cell: Cell): string {
  return `${cell.family}${cell.baseline ? ' baseline' : ` / ${cell.prior}`} / seed ${cell.seed}`;
}

/** Versions recorded in results.json. */
export function benchVersions(): Record<string, string> {
  return { [CLI_NAME]: CLI_VERSION, '@tensorflow/tfjs-core': tf.version_core, node: process.version };
}
