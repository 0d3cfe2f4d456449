import { ValidationError } from '../errors';

/**
 * How the learning rate moves over a run: 'constant', or 'cosine', from the full rate at the first
 * step down a half cosine to 0 after the last (lr * (1 + cos(pi * step / totalSteps)) / 2). A
 * decay lets a run take large steps early and still settle: at a constant rate high enough to
 * train in few epochs, a bound can keep dipping late (docs/genotypes.md).
 */
export type LearningRateSchedule = 'constant' | 'cosine';

export const LEARNING_RATE_SCHEDULES: readonly LearningRateSchedule[] = ['constant', 'cosine'];

/** The factor on the learning rate at 0-based optimizer step `step` of `totalSteps` (the run's step count, not one optimizer's). */
export function learningRateFactor(schedule: LearningRateSchedule, step: number, totalSteps: number): number {
  if (schedule === 'constant') return 1;
  if (schedule !== 'cosine') throw new ValidationError(`learningRateSchedule must be one of ${LEARNING_RATE_SCHEDULES.join(', ')}, got ${JSON.stringify(schedule)}`);
  const progress = Math.min(Math.max(step / Math.max(totalSteps, 1), 0), 1);
  return 0.5 * (1 + Math.cos(Math.PI * progress));
}
