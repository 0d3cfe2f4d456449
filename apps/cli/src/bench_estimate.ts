import { Trainer } from '@ddvi/core';
import type { Dataset } from '@ddvi/core';
import { buildCellPair, cellData, expandGrid, loadSplits, readCell, semiSplits, trainingObjective } from '@ddvi/benchmarks';
import type { BenchConfig, Cell, CellData } from '@ddvi/benchmarks';
import { duration, num } from './format';
import { println } from './io';
import type { Io } from './io';

/** Calibration steps per (dataset, family): one untimed (Adam creates its slots), then timed ones. */
const WARMUP_STEPS = 1;
const TIMED_STEPS = 2;

export interface FamilyCalibration {
  dataset: string;
  family: string;
  msPerStep: number;
  /** Optimizer steps of one cell, and how many cells of this (dataset, family) are still to train. */
  stepsPerCell: number;
  cells: number;
}

export interface GridEstimate {
  /** Training time of the whole grid, from the calibration (evaluation and metrics excluded). */
  trainingSeconds: number;
  calibration: FamilyCalibration[];
  /** Wall time the calibration itself took. */
  calibrationSeconds: number;
}

/**
 * Estimates a grid's training time before it runs: a few real training steps of each family on
 * each dataset at the configured setting (batch size, hidden widths, family options, the real
 * training data), times the steps each cell will take and the number of cells. Cells differ in
 * prior and seed only, which does not change the work of a step, so one calibration per
 * (dataset, family) covers them. Cells already finished under `out` (read back by the runner) are
 * not counted, and a family with none left is not calibrated. Evaluation and metrics are not included.
 */
export async function estimateGrid(config: BenchConfig, out?: string): Promise<GridEstimate> {
  const started = Date.now();
  const calibration: FamilyCalibration[] = [];
  const pending = expandGrid(config).filter((cell) => out === undefined || readCell(out, cell) === undefined);
  for (const dataset of config.datasets) {
    if (!pending.some((c) => c.dataset === dataset)) continue;
    const splits = await loadSplits({
      dataset, dataDir: config.dataDir, trainLimit: config.trainLimit, testLimit: config.testLimit, prior: config.priors[0]!, latentSize: config.latentSize,
    });
    const train = splits.train!;
    const fullEpoch = Math.ceil(train.size / config.batchSize);
    const stepsPerCell = config.epochs * Math.min(fullEpoch, config.stepsPerEpoch ?? fullEpoch);
    for (const family of config.families) {
      const cells = pending.filter((c) => c.dataset === dataset && c.family === family);
      if (cells.length === 0) continue;
      // A grid smaller than the calibration (tests, smoke runs) gets one timed step, not two.
      const timed = stepsPerCell * cells.length <= WARMUP_STEPS + TIMED_STEPS ? 1 : TIMED_STEPS;
      calibration.push({ dataset, family, msPerStep: await timeSteps(config, cells[0]!, train, timed, cellData(splits, config)), stepsPerCell, cells: cells.length });
    }
  }
  const trainingSeconds = calibration.reduce((s, c) => s + (c.msPerStep * c.stepsPerCell * c.cells) / 1000, 0);
  return { trainingSeconds, calibration, calibrationSeconds: (Date.now() - started) / 1000 };
}

/** Median ms per step of a cell's real Trainer over `timed` steps after WARMUP_STEPS. */
async function timeSteps(config: BenchConfig, cell: Cell, data: Dataset, timed: number, networks: CellData): Promise<number> {
  // A semi-supervised cell times its family's semi form on its label budget.
  const { train } = semiSplits(cell, data, data);
  const { model, posterior } = buildCellPair(config, cell, train.dataSize, { ...networks, ...(train.numClasses !== undefined ? { classes: train.numClasses } : {}) });
  const stamps: number[] = [];
  const trainer = new Trainer({
    model, posterior, objective: trainingObjective(posterior, 1), train,
    batchSize: config.batchSize, epochs: 1, learningRate: config.learningRate, seed: cell.seed, maxStepsPerEpoch: WARMUP_STEPS + timed,
    onEvent: (e) => {
      if (e.type === 'start' || e.type === 'step') stamps.push(performance.now());
    },
  });
  try {
    await trainer.fit();
  } finally {
    trainer.dispose();
    posterior.dispose();
    model.dispose();
  }
  const deltas = stamps.slice(1).map((t, i) => t - stamps[i]!).slice(WARMUP_STEPS).sort((a, b) => a - b);
  return deltas[Math.floor(deltas.length / 2)]!;
}

/** Runs the calibration and prints the estimate: one line, then the per-family step times. */
export async function printGridEstimate(config: BenchConfig, out: string, io: Io, jobs = 1): Promise<GridEstimate> {
  const e = await estimateGrid(config, out);
  if (e.calibration.length === 0) {
    println(io.stdout, 'estimated training time of the grid: none left (every cell finished earlier)');
    return e;
  }
  const parallel = jobs > 1 ? `, ~${duration(e.trainingSeconds / jobs)} with --jobs ${jobs} if ${jobs} cores are idle` : '';
  println(io.stdout, `estimated training time of the grid: ~${duration(e.trainingSeconds)}${parallel} (evaluation and metrics come on top; calibrated in ${duration(e.calibrationSeconds)})`);
  println(io.stdout, `  ms/step: ${e.calibration.map((c) => `${c.dataset}/${c.family} ${num(c.msPerStep, 0)} x ${c.stepsPerCell} steps x ${c.cells} cells`).join('; ')}`);
  return e;
}
