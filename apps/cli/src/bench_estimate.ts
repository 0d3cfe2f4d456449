import { Trainer } from '@ddvi/core';
import { SplitCache, buildCellPair, cellData, cellId, evaluationSeconds, expandGrid, readCell, semiSplits, timeEvaluation, timeLatentScores, trainingObjective } from '@ddvi/benchmarks';
import type { BenchConfig, Cell, Splits } from '@ddvi/benchmarks';
import { duration, num } from './format';
import { println } from './io';
import type { Io } from './io';
import type { GridPlan } from './grid_progress';

/**
 * Calibration steps per (dataset, family, prior): untimed ones (Adam creates its slots; DDVI's
 * second step still ran 1.5x its later ones), then timed ones, whose median is taken: an odd
 * count, since the median of two is their larger.
 */
const WARMUP_STEPS = 2;
const TIMED_STEPS = 3;

export interface FamilyCalibration {
  dataset: string;
  family: string;
  /** The prior the steps were timed with: DDVI's guided steps evaluate its score, whose cost differs by prior. */
  prior: string;
  msPerStep: number;
  /** Optimizer steps of one cell, and how many cells of this (dataset, family, prior) are still to train. */
  stepsPerCell: number;
  cells: number;
  /** Wall seconds of one cell's evaluation (test bound, IWAE, latents of both sets), from a few timed images. */
  evaluationSecondsPerCell: number;
  /** Wall seconds of one cell's latent scores (kNN, logistic regression, clustering, latent NLL), timed once per dataset. */
  scoresSecondsPerCell: number;
}

export interface GridEstimate {
  /** Training time of the whole grid, from the calibration. */
  trainingSeconds: number;
  /** Evaluation time of the whole grid (bounds and latents). */
  evaluationSeconds: number;
  /** The latent scores of every cell (the plots, under a second a cell, excluded). */
  scoresSeconds: number;
  calibration: FamilyCalibration[];
  /** Wall time the calibration itself took. */
  calibrationSeconds: number;
}

/** The calibration's key, and how the estimate names it: `dataset/family/prior`. */
function comboKey(c: { dataset: string; family: string; prior: string }): string {
  return `${c.dataset}/${c.family}/${c.prior}`;
}

/**
 * Estimates a grid's time before it runs: a few real training steps of each family on each
 * dataset with each prior at the configured setting (batch size, hidden widths, family options,
 * the real training data), times the steps each cell will take and the number of cells; then the
 * cell's evaluation timed on a few test images and scaled to the test and train sets
 * (timeEvaluation). The prior is part of the key because a DDVI step evaluates the prior's score
 * (the swiss roll's costs twice the pinwheel's); seeds do not change a step's work. Cells already
 * finished under `out` (read back by the runner) are not counted, and a combination with none
 * left is not calibrated. The latent scores are timed once per dataset at its set sizes
 * (timeLatentScores); the plots (under a second a cell) are not included.
 */
export async function estimateGrid(config: BenchConfig, out?: string): Promise<GridEstimate> {
  const started = Date.now();
  const calibration: FamilyCalibration[] = [];
  const pending = expandGrid(config).filter((cell) => out === undefined || readCell(out, cell) === undefined);
  const splitCache = new SplitCache();
  for (const dataset of config.datasets) {
    let scoresSeconds: number | undefined;
    for (const family of config.families) {
      for (const prior of config.priors) {
        const cells = pending.filter((c) => c.dataset === dataset && c.family === family && c.prior === prior);
        if (cells.length === 0) continue;
        const splits = await splitCache.get(config, cells[0]!);
        const train = splits.train!;
        const fullEpoch = Math.ceil(train.size / config.batchSize);
        const stepsPerCell = config.epochs * Math.min(fullEpoch, config.stepsPerEpoch ?? fullEpoch);
        // A grid smaller than the calibration (tests, smoke runs) gets one timed step, not three.
        const timed = stepsPerCell * cells.length <= WARMUP_STEPS + TIMED_STEPS ? 1 : TIMED_STEPS;
        // The scores' cost depends on the sets, not the family or the prior: timed with the dataset's first cell.
        const timing = await calibrateCell(config, cells[0]!, splits, timed, scoresSeconds === undefined);
        scoresSeconds ??= timing.scoresSeconds;
        calibration.push({
          dataset, family, prior, msPerStep: timing.msPerStep, stepsPerCell, cells: cells.length, evaluationSecondsPerCell: timing.evaluationSeconds, scoresSecondsPerCell: scoresSeconds ?? 0,
        });
      }
    }
  }
  const trainingSeconds = calibration.reduce((s, c) => s + (c.msPerStep * c.stepsPerCell * c.cells) / 1000, 0);
  const evaluationSeconds = calibration.reduce((s, c) => s + c.evaluationSecondsPerCell * c.cells, 0);
  const scoresSeconds = calibration.reduce((s, c) => s + c.scoresSecondsPerCell * c.cells, 0);
  return { trainingSeconds, evaluationSeconds, scoresSeconds, calibration, calibrationSeconds: (Date.now() - started) / 1000 };
}

/**
 * Median ms per step of a cell's real Trainer over `timed` steps after WARMUP_STEPS, then its
 * evaluation's seconds with the same pair, and (when asked) its latent scores' seconds.
 */
async function calibrateCell(
  config: BenchConfig, cell: Cell, splits: Splits, timed: number, withScores: boolean,
): Promise<{ msPerStep: number; evaluationSeconds: number; scoresSeconds?: number }> {
  const data = splits.train!;
  // A semi-supervised cell times its family's semi form on its label budget.
  const { train } = semiSplits(cell, data, data);
  const { test } = semiSplits(cell, data, splits.test ?? data);
  const { model, posterior } = buildCellPair(config, cell, train.dataSize, { ...cellData(splits, config), ...(train.numClasses !== undefined ? { classes: train.numClasses } : {}) });
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
    const all = stamps.slice(1).map((t, i) => t - stamps[i]!);
    // An epoch shorter than the warm-up (a toy grid) keeps its last step.
    const deltas = all.slice(Math.min(WARMUP_STEPS, all.length - 1)).sort((a, b) => a - b);
    const cost = timeEvaluation(config, cell, model, posterior, test);
    const scores = withScores ? { scoresSeconds: timeLatentScores(config, cell, model.prior(), { train, test }, splits.clustering) } : {};
    return { msPerStep: deltas[Math.floor(deltas.length / 2)]!, evaluationSeconds: evaluationSeconds(cost, { test: test.size, train: train.size }), ...scores };
  } finally {
    trainer.dispose();
    posterior.dispose();
    model.dispose();
  }
}

/** Runs the calibration and prints the estimate: one line, then the per-family step times. */
export async function printGridEstimate(config: BenchConfig, out: string, io: Io, jobs = 1): Promise<GridEstimate> {
  const e = await estimateGrid(config, out);
  if (e.calibration.length === 0) {
    println(io.stdout, 'estimated time of the grid: none left (every cell finished earlier)');
    return e;
  }
  const total = e.trainingSeconds + e.evaluationSeconds + e.scoresSeconds;
  const parallel = jobs > 1 ? `, ~${duration(total / jobs)} with --jobs ${jobs} if ${jobs} cores are idle` : '';
  println(io.stdout, `estimated time of the grid: ~${duration(total)}${parallel} (training ~${duration(e.trainingSeconds)}, evaluation ~${duration(e.evaluationSeconds)}, latent scores ~${duration(e.scoresSeconds)}; plots come on top; calibrated in ${duration(e.calibrationSeconds)})`);
  println(io.stdout, `  ms/step: ${e.calibration.map((c) => `${comboKey(c)} ${num(c.msPerStep, 0)} x ${c.stepsPerCell} steps x ${c.cells} cells`).join('; ')}`);
  println(io.stdout, `  evaluation per cell: ${e.calibration.map((c) => `${comboKey(c)} ${duration(c.evaluationSecondsPerCell)}`).join('; ')}`);
  return e;
}

/** Each cell of the grid with its estimated wall seconds (training and evaluation), for the grid's ETA; a baseline or a finished cell's key may have none. */
export function gridPlan(config: BenchConfig, e: GridEstimate, jobs: number): GridPlan {
  const perCell = new Map(e.calibration.map((c) => [comboKey(c), (c.msPerStep * c.stepsPerCell) / 1000 + c.evaluationSecondsPerCell + c.scoresSecondsPerCell]));
  return {
    jobs,
    cells: expandGrid(config).map((cell) => ({ id: cellId(cell), seconds: cell.baseline ? undefined : perCell.get(comboKey(cell)) })),
  };
}
