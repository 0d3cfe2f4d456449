import { ValidationError } from '../errors';
import type { PhaseSpec } from '../types/posterior';

export interface ScheduledPhase {
  spec: PhaseSpec;
  /** Epochs [start, end). */
  start: number;
  end: number;
}

/** Turns phase specs (fractions or counts of epochs) into consecutive epoch ranges covering `epochs`. */
export function schedulePhases(specs: PhaseSpec[], epochs: number): ScheduledPhase[] {
  if (specs.length === 0) throw new ValidationError('Trainer: phases must not be empty');
  const counts = specs.filter((s) => 'count' in s.epochs).reduce((a, s) => a + (s.epochs as { count: number }).count, 0);
  const fractional = specs.filter((s) => 'fraction' in s.epochs);
  const fractionSum = fractional.reduce((a, s) => a + (s.epochs as { fraction: number }).fraction, 0);
  if (counts > epochs) throw new ValidationError(`Trainer: phases ask for ${counts} epochs by count but epochs is ${epochs}`);
  if (fractional.length && Math.abs(fractionSum - 1) > 1e-9) {
    throw new ValidationError(`Trainer: phase fractions must sum to 1, got ${fractionSum}`);
  }
  const rest = epochs - counts;
  let start = 0;
  let cumulative = 0;
  return specs.map((spec) => {
    let length: number;
    if ('count' in spec.epochs) length = spec.epochs.count;
    else {
      // Round cumulative boundaries so the fractions add up to exactly `rest` epochs.
      const before = Math.round(cumulative * rest);
      cumulative += spec.epochs.fraction;
      length = Math.round(cumulative * rest) - before;
    }
    const phase = { spec, start, end: start + length };
    start += length;
    return phase;
  });
}

export const TRAIN_ALL: PhaseSpec = { name: 'train', epochs: { fraction: 1 }, trainable: () => true };
