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
  /** `path` is undefined when the checkpoint went only to `onCheckpoint`; `seconds`: the wall time the checkpoint took. */
  | { type: 'checkpoint'; path: string | undefined; step: number; seconds: number };

/** Emits a run's events to `onEvent`, keeping the moving average of the step time the step events carry. */
export class TrainEvents {
  private msPerStep = 0;

  constructor(
    private readonly onEvent: ((event: TrainEvent) => void) | undefined,
    private readonly plan: { totalSteps: number; stepsPerEpoch: number },
  ) {}

  emit(event: TrainEvent): void {
    this.onEvent?.(event);
  }

  /** A finished step that took `ms` of wall time (main and auxiliary updates). */
  step(at: { step: number; epoch: number; stepInEpoch: number }, terms: Record<string, number> | undefined, ms: number): void {
    this.msPerStep = this.msPerStep === 0 ? ms : 0.9 * this.msPerStep + 0.1 * ms;
    const { totalSteps, stepsPerEpoch } = this.plan;
    this.emit({
      type: 'step', ...at, totalSteps, stepsPerEpoch, terms: terms ?? {}, msPerStep: this.msPerStep,
      etaSeconds: ((totalSteps - at.step) * this.msPerStep) / 1000,
    });
  }
}
