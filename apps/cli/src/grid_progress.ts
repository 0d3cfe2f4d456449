import { MultiBar, Presets } from 'cli-progress';
import type { SingleBar } from 'cli-progress';
import { duration } from './format';
import { isInteractive, println } from './io';
import type { Io } from './io';

export interface GridProgressOptions {
  /** Force the bar (true) or plain lines (false); default: a bar on a terminal. */
  interactive?: boolean;
  /** Clock in ms (tests). */
  now?: () => number;
}

/**
 * Progress of a whole `ddvi bench` grid: cells done / total, elapsed time and an ETA. The ETA is
 * the mean wall time of the cells computed so far times the cells left (cells read back from an
 * earlier run cost nothing and do not count). On a terminal it is a bar that stays under the
 * per-cell training bar (both live in one cli-progress MultiBar, which `multibar` hands to
 * TrainProgress); elsewhere a plain line after each cell.
 */
export class GridProgress {
  private readonly interactive: boolean;
  private readonly now: () => number;
  private readonly startedMs: number;
  private bars: MultiBar | undefined;
  private bar: SingleBar | undefined;
  private done = 0;
  private computed = 0;
  private computedSeconds = 0;

  constructor(
    private readonly io: Io,
    private readonly total: number,
    options: GridProgressOptions = {},
  ) {
    this.interactive = options.interactive ?? isInteractive(io);
    this.now = options.now ?? Date.now;
    this.startedMs = this.now();
    if (this.interactive) {
      this.bars = new MultiBar(
        {
          stream: io.stdout,
          format: 'grid  |{bar}| {value}/{total} cells | {cellText} | elapsed {elapsedText} | ETA {etaText}',
          hideCursor: true,
          barsize: 24,
          fps: 5,
        },
        Presets.shades_classic,
      );
      this.bar = this.bars.create(total, 0, { cellText: '-', elapsedText: '0s', etaText: '?' });
    }
  }

  /** The MultiBar the per-cell bar joins (undefined when not on a terminal). */
  get multibar(): MultiBar | undefined {
    return this.bars;
  }

  /** Seconds left at the computed cells' mean pace; NaN before the first computed cell. */
  get etaSeconds(): number {
    const left = this.total - this.done;
    if (left === 0) return 0;
    return this.computed === 0 ? Number.NaN : (this.computedSeconds / this.computed) * left;
  }

  cellStarted(index: number, label: string): void {
    this.bar?.update(this.done, { cellText: `cell ${index}: ${label}`, elapsedText: this.elapsed(), etaText: duration(this.etaSeconds) });
  }

  /** A cell finished: `seconds` is its wall time, `cached` whether it was read back from disk. */
  cellDone(seconds: number, cached: boolean): void {
    this.done += 1;
    if (!cached) {
      this.computed += 1;
      this.computedSeconds += seconds;
    }
    const eta = duration(this.etaSeconds);
    if (this.bar) this.bar.update(this.done, { elapsedText: this.elapsed(), etaText: eta });
    else if (!cached) println(this.io.stdout, `grid: ${this.done}/${this.total} cells done, elapsed ${this.elapsed()}, ETA ${eta}`);
  }

  /** Prints a line above the bars (or plainly). */
  line(text: string): void {
    if (this.bars) this.bars.log(`${text}\n`);
    else println(this.io.stdout, text);
  }

  stop(): void {
    this.bars?.stop();
    this.bars = undefined;
    this.bar = undefined;
  }

  private elapsed(): string {
    return duration((this.now() - this.startedMs) / 1000);
  }
}
