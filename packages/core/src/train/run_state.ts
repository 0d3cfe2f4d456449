import type { EpochRecord } from '../checkpoint/checkpoint';

/** The epoch in progress' running sums of the step terms, so a run resumed mid-epoch closes it with the same record. */
export interface PartialEpoch {
  sums: Record<string, number>;
  counted: number;
}

/** Where a run stands: what a checkpoint holds besides the weights and optimizer state. */
export interface RunState {
  /** Steps done (the next step draws from seed.fork(step)). */
  step: number;
  /** The epoch in progress and the steps of it done. */
  epoch: number;
  stepInEpoch: number;
  skipped: number;
  history: EpochRecord[];
  partial: PartialEpoch;
}

export const emptyPartial = (): PartialEpoch => ({ sums: {}, counted: 0 });

export const freshRunState = (): RunState => ({ step: 0, epoch: 0, stepInEpoch: 0, skipped: 0, history: [], partial: emptyPartial() });
