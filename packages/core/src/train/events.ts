import type { EpochRecord } from '../checkpoint/checkpoint';

export type TrainEvent =
  | { type: 'start'; totalSteps: number; stepsPerEpoch: number; epochs: number; resumedAtStep: number }
  | { type: 'phase'; phase: string; epoch: number }
  | {
      type: 'step';
      step: number;
      totalSteps: number;
      epoch: number;
      stepInEpoch: number;
      stepsPerEpoch: number;
      terms: Record<string, number>;
      /** Moving average of wall time per step (main + auxiliary updates). */
      msPerStep: number;
      etaSeconds: number;
    }
  | { type: 'skip'; step: number; term: string; value: number; skipped: number; origin?: string }
  | { type: 'epoch'; record: EpochRecord }
  /** `path` is undefined when the checkpoint went only to `onCheckpoint`. */
  | { type: 'checkpoint'; path: string | undefined; step: number };
