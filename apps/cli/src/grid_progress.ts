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
  /** The grid's cells with their estimated wall seconds (./bench_estimate, gridPlan), for an ETA that knows a DDVI cell from a mean-field one. */
  plan?: GridPlan;
}

/** Every cell of a grid by id, with its estimated wall seconds (undefined: not estimated), and the cells run side by side. */
export interface GridPlan {
  cells: { id: string; seconds: number | undefined }[];
  jobs: number;
}

/**
 * Progress of a whole `ddvi bench` grid: cells done / total, elapsed time and an ETA. With a plan
 * (the estimate's seconds for each cell, and the jobs), the ETA is the estimated seconds of the
 * cells not done, times the pace so far (the computed cells' wall time over their estimate: the
 * estimate corrected by what it got wrong), over the jobs. Without one it is the mean wall time
 * of the cells computed so far times the cells left, over the jobs. Cells read back from an
 * earlier run cost nothing and do not count. On a terminal it is a bar that stays under the
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
  /** Over the computed cells that had an estimate: their wall seconds and their estimate. */
  private pacedActual = 0;
  private pacedEstimate = 0;
  private readonly plan: GridPlan | undefined;
  private readonly estimates: Map<string, number | undefined>;
  private readonly doneIds = new Set<string>();

  constructor(
    private readonly io: Io,
    private readonly total: number,
    options: GridProgressOptions = {},
  ) {
    this.interactive = options.interactive ?? isInteractive(io);
    this.now = options.now ?? Date.now;
    this.startedMs = this.now();
    this.plan = options.plan;
    this.estimates = new Map(options.plan?.cells.map((c) => [c.id, c.seconds]));
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

  /** Seconds left: the plan's, at the pace so far, or the computed cells' mean; NaN when neither is known yet. */
  get etaSeconds(): number {
    const left = this.total - this.done;
    if (left === 0) return 0;
    const jobs = Math.max(1, this.plan?.jobs ?? 1);
    const mean = this.computed === 0 ? Number.NaN : this.computedSeconds / this.computed;
    if (!this.plan) return (mean * left) / jobs;
    const pace = this.pacedEstimate > 0 ? this.pacedActual / this.pacedEstimate : 1;
    let seconds = 0;
    for (const c of this.plan.cells) {
      if (this.doneIds.has(c.id)) continue;
      // A cell the estimate left out (a baseline) counts at the computed cells' mean.
      seconds += c.seconds === undefined ? mean : c.seconds * pace;
    }
    return seconds / jobs;
  }

  cellStarted(index: number, label: string): void {
    this.bar?.update(this.done, { cellText: `cell ${index}: ${label}`, elapsedText: this.elapsed(), etaText: duration(this.etaSeconds) });
  }

  /** A cell finished: `seconds` is its wall time, `cached` whether it was read back from disk, `id` its cell id (for the plan). */
  cellDone(seconds: number, cached: boolean, id?: string): void {
    this.done += 1;
    if (id !== undefined) this.doneIds.add(id);
    if (!cached) {
      this.computed += 1;
      this.computedSeconds += seconds;
      const estimate = id === undefined ? undefined : this.estimates.get(id);
      if (estimate !== undefined && estimate > 0) {
        this.pacedActual += seconds;
        this.pacedEstimate += estimate;
      }
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
