import { activeKernels } from '@ddvi/core';
import type { Dataset, Posterior, TrainResult } from '@ddvi/core';
import { cellId } from './cell';
import type { Cell } from './cell';
import type { CellBounds } from './cell_evaluation';
import type { CellScores } from './cell_latents';
import type { CellResult } from './cell_store';
import type { CellMetrics } from './metric_table';

/** A trained cell's record, from what its steps measured; the wall time runs from `startedMs` to now. */
export function assembleCellResult(input: {
  cell: Cell;
  posterior: Posterior;
  data: { train: Dataset; test: Dataset };
  training: { result: TrainResult; msPerStep: number | null };
  bounds: CellBounds;
  scores: CellScores;
  files: string[];
  /** pi's test accuracy in a semi-supervised cell (null otherwise). */
  classifierAccuracy: number | null;
  startedMs: number;
  /** Wall seconds per phase of the cell (./phase_clock). */
  phases?: Record<string, number>;
}): CellResult {
  const { cell, posterior, data, training, bounds, scores, files, startedMs } = input;
  const { hasDensity, supportsIWAE } = posterior.capabilities;
  const finishedMs = Date.now();
  const wallSeconds = (finishedMs - startedMs) / 1000;
  const { latentNll, altLatentNll, ...latentScores } = scores.scores;
  const metrics: CellMetrics = {
    classifierAccuracy: input.classifierAccuracy,
    elbo: hasDensity ? (bounds.finalTest.bound ?? null) : null,
    iwae: bounds.iwae,
    reconstruction: bounds.finalTest.reconstruction ?? null,
    ...latentScores,
    latentNll,
    altLatentNll,
    wallSeconds,
    msPerStep: training.msPerStep,
  };
  return {
    id: cellId(cell),
    cell,
    capabilities: { hasDensity, supportsIWAE },
    metrics,
    iwaeK: bounds.iwaeK,
    test: bounds.finalTest,
    data: {
      train: { name: data.train.name, size: data.train.size }, test: { name: data.test.name, size: data.test.size }, dataSize: data.train.dataSize,
      numClasses: scores.numClasses,
    },
    steps: { total: training.result.steps, skipped: training.result.skippedSteps },
    timing: cellTiming(startedMs, finishedMs, {
      trainSeconds: training.result.history.reduce((a, r) => a + r.seconds, 0), msPerStep: training.msPerStep,
      ...(input.phases ? { phases: input.phases } : {}),
    }),
    epochs: training.result.history.map((r) => ({ epoch: r.epoch, phase: r.phase, train: r.train, seconds: r.seconds })),
    files,
  };
}

/**
 * A cell record's timing: its span, what training took (none for a baseline or a failed cell), and
 * the kernels this process computed with, so every kind of cell names them (core's `activeKernels`).
 */
export function cellTiming(
  startedMs: number, finishedMs: number, training: Pick<CellResult['timing'], 'trainSeconds' | 'msPerStep' | 'phases'> = { trainSeconds: 0, msPerStep: null },
): CellResult['timing'] {
  return {
    startedAt: new Date(startedMs).toISOString(), finishedAt: new Date(finishedMs).toISOString(), wallSeconds: (finishedMs - startedMs) / 1000,
    ...training, kernels: activeKernels(),
  };
}
