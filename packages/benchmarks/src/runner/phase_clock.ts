/**
 * Wall seconds per named phase of a cell. Training is rarely all of a cell's time (evaluation,
 * latents, checkpoints and plots follow it), and a speed-up of the steps alone says little about a
 * grid's wall time; the record keeps where the rest went.
 */
export class PhaseClock {
  private readonly spent: Record<string, number> = {};
  private mark: number;

  constructor(startedMs = Date.now()) {
    this.mark = startedMs;
  }

  /** Charges the time since the previous lap (or the start) to `phase`. */
  lap(phase: string): void {
    const now = Date.now();
    this.add(phase, (now - this.mark) / 1000);
    this.mark = now;
  }

  /** Moves `seconds` measured inside `from` (a checkpoint inside training, say) to `to`. */
  move(from: string, to: string, seconds: number): void {
    const moved = Math.min(Math.max(seconds, 0), this.spent[from] ?? 0);
    this.add(from, -moved);
    this.add(to, moved);
  }

  /** Seconds per phase, rounded to milliseconds, in the order the phases were first charged. */
  get phases(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.spent).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));
  }

  private add(phase: string, seconds: number): void {
    this.spent[phase] = (this.spent[phase] ?? 0) + seconds;
  }
}
