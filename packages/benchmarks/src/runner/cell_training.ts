import { existsSync } from 'node:fs';
import { Trainer, linearWarmup } from '@ddvi/core';
import { evaluationObjective } from './cell_evaluation';
import type { Dataset, Model, Objective, Posterior, TrainEvent, TrainResult } from '@ddvi/core';
import type { Cell } from './cell';
import type { BenchConfig } from './config';
import { familySettings } from './family_settings';
import { systemMemoryBudget } from './memory_budget';
import { trainingObjective } from './surrogate_objective';

/**
 * Where a cell's training is checkpointed (after each epoch, and every `everySteps` steps when
 * set). A checkpoint already there is resumed: the Trainer's resume is exact, so an interrupted
 * cell ends with the numbers of an uninterrupted one.
 */
export interface CellCheckpoint {
  path: string;
  everySteps?: number;
  /** Resume from this file when `path` does not exist yet (a checkpoint an older version wrote under another name). */
  resumeFrom?: string;
}

export interface CellTraining {
  result: TrainResult;
  /** What the test set is scored with: the ELBO where the family has a density, else the reconstruction. */
  evalObjective: Objective;
  /** Mean wall time of a training step, event handling excluded (null: no step ran here). */
  msPerStep: number | null;
  /** Wall seconds spent writing checkpoints (inside the trainer's fit). */
  checkpointSeconds: number;
}

/** Trains a cell's pair with the bench settings, timing each step; objectives follow the family's capabilities (a family without a density trains on its surrogate when it has one). */
export async function trainCell(input: {
  config: BenchConfig;
  cell: Cell;
  model: Model;
  posterior: Posterior;
  train: Dataset;
  test: Dataset;
  checkpoint?: CellCheckpoint;
  onEvent?: (event: TrainEvent) => void;
}): Promise<CellTraining> {
  const { config, cell, model, posterior, checkpoint } = input;
  // Each family trains with its own weights where the grid gives them, per prior where it gives those (familySettings), else the grid's.
  const settings = familySettings(config, cell.family, cell.prior);
  const beta = settings.klWarmup > 0 ? linearWarmup(settings.beta, settings.klWarmup) : settings.beta;
  const evalObjective = evaluationObjective(posterior);
  const timer = stepTimer(input.onEvent);
  const trainer = new Trainer({
    model, posterior, objective: trainingObjective(posterior, beta), evalObjective, train: input.train, test: input.test,
    evalEvery: config.epochs, batchSize: config.batchSize, epochs: config.epochs, learningRate: settings.learningRate, seed: cell.seed,
    ...(config.learningRateSchedule ? { learningRateSchedule: config.learningRateSchedule } : {}),
    ...(settings.clipNorm !== undefined ? { adam: { clipNorm: settings.clipNorm } } : {}),
    maxStepsPerEpoch: config.stepsPerEpoch, nanPolicy: 'stop', memoryBudget: systemMemoryBudget(),
    ...(checkpoint
      ? { checkpointPath: checkpoint.path, ...(checkpoint.everySteps !== undefined ? { checkpointEverySteps: checkpoint.everySteps } : {}) }
      : {}),
    onEvent: timer.onEvent,
  });
  try {
    const resumeFrom = [checkpoint?.path, checkpoint?.resumeFrom].find((p) => p !== undefined && existsSync(p));
    const result = await trainer.fit(resumeFrom);
    return { result, evalObjective, msPerStep: timer.msPerStep(), checkpointSeconds: timer.checkpointSeconds() };
  } finally {
    trainer.dispose();
  }
}

/** Times the steps between training events, leaving out the time the caller's own handler takes; adds up the checkpoints' time. */
function stepTimer(forward?: (event: TrainEvent) => void): { onEvent: (event: TrainEvent) => void; msPerStep: () => number | null; checkpointSeconds: () => number } {
  let steps = 0;
  let stepMs = 0;
  let checkpoints = 0;
  let mark = Date.now();
  return {
    onEvent: (e) => {
      const now = Date.now();
      if (e.type === 'step') {
        steps += 1;
        stepMs += now - mark;
      }
      if (e.type === 'checkpoint') checkpoints += e.seconds;
      forward?.(e);
      mark = Date.now();
    },
    msPerStep: () => (steps > 0 ? stepMs / steps : null),
    checkpointSeconds: () => checkpoints,
  };
}
