import { MultiBar, Presets } from 'cli-progress';
import type { SingleBar } from 'cli-progress';
import type { TrainEvent } from '@ddvi/core';
import { duration, num, terms } from './format';
import { isInteractive, println } from './io';
import type { Io } from './io';

export interface ProgressOptions {
  /** Plain progress line every this many steps when not on a terminal (default: ~5 per epoch). */
  logEvery?: number;
  /** Force the bar (true) or plain lines (false); default: a bar on a terminal. */
  interactive?: boolean;
  /** Draw the bar inside this MultiBar (e.g. under `ddvi bench`'s grid bar) instead of one of its own. */
  multibar?: MultiBar;
}

/**
 * Shows training progress: on a terminal a redrawn bar (epoch, step/total, bound/rec/kl, ms/step,
 * ETA) with one permanent line per epoch above it; elsewhere (pipes, CI, files) plain lines every
 * `logEvery` steps. Also measures the wall time spent in optimizer steps alone (evaluation and
 * checkpoints excluded) for the run's ms/step figure.
 */
export class TrainProgress {
  private readonly interactive: boolean;
  private multibar: MultiBar | undefined;
  private bar: SingleBar | undefined;
  private epochs = 0;
  private logEvery = 1;
  private lastMark = Date.now();
  /** Steps run by this process and the milliseconds they took. */
  steps = 0;
  stepMs = 0;

  constructor(
    private readonly io: Io,
    private readonly options: ProgressOptions = {},
  ) {
    this.interactive = options.interactive ?? isInteractive(io);
  }

  get msPerStep(): number {
    return this.steps === 0 ? 0 : this.stepMs / this.steps;
  }

  readonly onEvent = (e: TrainEvent): void => {
    const now = Date.now();
    switch (e.type) {
      case 'start':
        this.epochs = e.epochs;
        this.logEvery = this.options.logEvery ?? Math.max(1, Math.ceil(e.stepsPerEpoch / 5));
        if (e.resumedAtStep > 0) this.line(`resuming at step ${e.resumedAtStep} of ${e.totalSteps}`);
        if (e.resumedAtStep >= e.totalSteps) this.line('all epochs already done; nothing to train');
        if (this.interactive && e.resumedAtStep < e.totalSteps) this.startBar(e.totalSteps, e.resumedAtStep);
        break;
      case 'phase':
        if (e.phase !== 'train') this.line(`phase ${e.phase} from epoch ${e.epoch + 1}`);
        break;
      case 'step': {
        this.steps += 1;
        this.stepMs += now - this.lastMark;
        const payload = {
          epochText: `${e.epoch + 1}/${this.epochs}`, termsText: terms(e.terms), msText: num(e.msPerStep, 0), etaText: duration(e.etaSeconds),
        };
        if (this.bar) {
          this.bar.update(e.step, payload);
        } else if (e.stepInEpoch % this.logEvery === 0 || e.step === e.totalSteps) {
          this.line(
            `epoch ${payload.epochText} step ${e.stepInEpoch}/${e.stepsPerEpoch} (${e.step}/${e.totalSteps}) | ${payload.termsText} | ` +
              `${payload.msText} ms/step | ETA ${payload.etaText}`,
          );
        }
        break;
      }
      case 'skip':
        this.line(`warning: step ${e.step} skipped: ${e.term} = ${e.value} (${e.skipped} skipped so far)`);
        break;
      case 'epoch': {
        const r = e.record;
        const test = r.test ? ` | test ${terms(r.test)}` : '';
        this.line(`epoch ${r.epoch + 1}/${this.epochs} | train ${terms(r.train)}${test} | ${duration(r.seconds)}`);
        break;
      }
      case 'checkpoint':
        break;
    }
    this.lastMark = Date.now();
  };

  /** Removes the bar (call before printing anything else, and on errors). */
  stop(): void {
    if (this.options.multibar) {
      if (this.bar) this.options.multibar.remove(this.bar);
    } else {
      this.multibar?.stop();
    }
    this.multibar = undefined;
    this.bar = undefined;
  }

  private startBar(total: number, start: number): void {
    this.multibar = this.options.multibar ?? new MultiBar(
      {
        stream: this.io.stdout,
        format: 'epoch {epochText} |{bar}| {value}/{total} steps | {termsText} | {msText} ms/step | ETA {etaText}',
        hideCursor: true,
        clearOnComplete: true,
        barsize: 24,
        fps: 5,
      },
      Presets.shades_classic,
    );
    this.bar = this.multibar.create(total, start, { epochText: '-', termsText: '', msText: '-', etaText: '?' });
  }

  private line(text: string): void {
    if (this.multibar) this.multibar.log(`${text}\n`);
    else println(this.io.stdout, text);
  }
}
