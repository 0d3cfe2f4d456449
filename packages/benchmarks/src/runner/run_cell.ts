import { SeedStream } from '@ddvi/core';
import type { Distribution, TrainEvent } from '@ddvi/core';
import { cellData } from './cell_data';
import { cellId } from './cell';
import type { Cell } from './cell';
import { buildCellPair } from './cell_pair';
import { evaluateCell } from './cell_evaluation';
import { encodeCell, scoreCell } from './cell_latents';
import { plotCell } from './cell_plot';
import type { LatentPlotter } from './cell_plot';
import { assembleCellResult } from './cell_result';
import type { CellResult } from './cell_store';
import { trainCell } from './cell_training';
import { scoringPair } from './eval_dropout';
import { classifierAccuracy, labelledLatents, semiSplits } from './semi';
import type { CellCheckpoint, CellTraining } from './cell_training';
import { PhaseClock } from './phase_clock';
import type { BenchConfig } from './config';
import type { Splits } from './splits';

export { buildCellPair } from './cell_pair';
export type { LatentPlotter } from './cell_plot';

export interface RunCellOptions {
  config: BenchConfig;
  cell: Cell;
  splits: Splits;
  /** The run's folder; the cell's plot goes under `<out>/plots/`. */
  out: string;
  onEvent?: (event: TrainEvent) => void;
  plotLatents?: LatentPlotter;
  /** Where the cell's training is checkpointed; a checkpoint already there is resumed exactly. */
  checkpoint?: CellCheckpoint;
}

/**
 * Trains one cell and measures it, as a sequence of steps each in its own file: build the pair,
 * train (timed), evaluate the bounds, encode the latents, score them, plot them, assemble the
 * record. Objectives and metrics follow the family's capabilities, so no family is named here.
 */
export async function runCell(options: RunCellOptions): Promise<CellResult> {
  const { config, cell, splits, out } = options;
  const startedMs = Date.now();
  const clock = new PhaseClock(startedMs);
  if (!splits.train) throw new Error('runCell: the train split is missing');
  // A cell with a label budget sees exactly that many training labels and no test labels (./semi).
  const { train, test } = semiSplits(cell, splits.train, splits.test);
  const data = { train, test };
  const { model, posterior } = buildCellPair(config, cell, train.dataSize, {
    ...cellData(splits, config), ...(train.numClasses !== undefined ? { classes: train.numClasses } : {}),
  });
  clock.lap('setup');
  try {
    const training = await trainCell({
      config, cell, model, posterior, train, test,
      ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
    chargeTraining(clock, training);
    const bounds = evaluateCell({ config, cell, model, posterior, test, training });
    clock.lap('evaluation');
    const latents = encodeCell(scoringPair(config.evalDropout, model, posterior).posterior, data, cell);
    clock.lap('latents');
    const prior = model.prior();
    const scores = await scoreCell({ config, cell, out, latents, prior, test, trainName: train.name, clustering: splits.clustering });
    const accuracy = classifierAccuracy(posterior, test);
    clock.lap('scores');
    const files = await plotCell({
      out, stem: cellId(cell), z: latents.test.z, ...(latents.test.labels ? { labels: latents.test.labels } : {}),
      priorSamples: plotPriorSamples(prior, cell.seed), title: `${cell.dataset}: ${cell.family} posterior, ${cell.prior} prior, seed ${cell.seed}`,
      labelName: splits.labelName, plotLatents: options.plotLatents, marked: labelledLatents(posterior, train, cell.seed),
    });
    files.push(scores.file);
    clock.lap('plot');
    return assembleCellResult({ cell, posterior, data, training, bounds, scores, files, classifierAccuracy: accuracy, startedMs, phases: clock.phases });
  } finally {
    model.dispose();
    posterior.dispose();
  }
}

/**
 * The fit's time, split: its steps (the epochs' own seconds), its checkpoints, and the rest of the
 * fit (the trainer's test evaluation, a resume) charged to evaluation.
 */
function chargeTraining(clock: PhaseClock, training: CellTraining): void {
  clock.lap('steps');
  const steps = training.result.history.reduce((a, r) => a + r.seconds, 0);
  clock.move('steps', 'checkpoints', training.checkpointSeconds);
  clock.move('steps', 'evaluation', training.result.seconds - steps - training.checkpointSeconds);
}

/** The scatter's background: 1000 draws of the prior, from the cell's seed. */
function plotPriorSamples(prior: Distribution, seed: number): Float32Array {
  const samples = prior.sample(new SeedStream(seed).fork('plot'), [1000]);
  const values = Float32Array.from(samples.dataSync());
  samples.dispose();
  return values;
}
