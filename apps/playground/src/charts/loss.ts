import { termColor } from './palette';

/**
 * Per-term training curves: one small chart per term (their scales differ by orders of
 * magnitude), the raw values faint and an exponential moving average on top.
 */
export class LossCharts {
  private readonly container: HTMLElement;
  private readonly series = new Map<string, { steps: number[]; values: number[]; canvas: HTMLCanvasElement }>();
  private pending = false;

  constructor(container: HTMLElement) {
    this.container = container;
  }

  clear(): void {
    this.series.clear();
    this.container.replaceChildren();
  }

  /** Drops points after `step` (a resumed run continues from its checkpoint's step). */
  truncate(step: number): void {
    for (const s of this.series.values()) {
      const keep = s.steps.findIndex((st) => st > step);
      if (keep >= 0) {
        s.steps.length = keep;
        s.values.length = keep;
      }
    }
    this.schedule();
  }

  add(step: number, terms: Record<string, number>): void {
    for (const [name, value] of Object.entries(terms)) {
      let s = this.series.get(name);
      if (!s) {
        const figure = document.createElement('figure');
        const caption = document.createElement('figcaption');
        caption.textContent = name;
        const canvas = document.createElement('canvas');
        canvas.width = 300;
        canvas.height = 140;
        canvas.dataset.term = name;
        figure.append(caption, canvas);
        this.container.append(figure);
        s = { steps: [], values: [], canvas };
        this.series.set(name, s);
      }
      s.steps.push(step);
      s.values.push(value);
    }
    this.schedule();
  }

  /** The values recorded for a term, in step order. */
  values(name: string): readonly number[] {
    return this.series.get(name)?.values ?? [];
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      [...this.series.values()].forEach((s, i) => draw(s.canvas, s.steps, s.values, termColor(i)));
    });
  }
}

function draw(canvas: HTMLCanvasElement, steps: number[], values: number[], color: string): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { width: w, height: h } = canvas;
  const pad = { l: 46, r: 6, t: 6, b: 16 };
  ctx.clearRect(0, 0, w, h);
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return;
  // Robust y-range: the 2nd-98th percentiles, so an early spike does not flatten the curve.
  const sorted = [...finite].sort((a, b) => a - b);
  let lo = sorted[Math.floor(0.02 * (sorted.length - 1))]!;
  let hi = sorted[Math.ceil(0.98 * (sorted.length - 1))]!;
  if (hi - lo < 1e-9) {
    lo -= 0.5;
    hi += 0.5;
  }
  const s0 = steps[0]!, s1 = Math.max(steps[steps.length - 1]!, s0 + 1);
  const px = (s: number) => pad.l + ((s - s0) / (s1 - s0)) * (w - pad.l - pad.r);
  const py = (v: number) => pad.t + (1 - (Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo)) * (h - pad.t - pad.b);
  ctx.strokeStyle = '#d6d9e0';
  ctx.strokeRect(pad.l, pad.t, w - pad.l - pad.r, h - pad.t - pad.b);
  ctx.fillStyle = '#4a5160';
  ctx.font = '10px system-ui, sans-serif';
  ctx.fillText(format(hi), 2, pad.t + 8);
  ctx.fillText(format(lo), 2, h - pad.b);
  ctx.fillText(String(s0), pad.l, h - 3);
  ctx.fillText(String(s1), w - pad.r - 24, h - 3);
  path(ctx, steps, values, px, py, color, 0.25);
  let ema = finite[0]!;
  const smooth = values.map((v) => (Number.isFinite(v) ? (ema = 0.9 * ema + 0.1 * v) : ema));
  path(ctx, steps, smooth, px, py, color, 1);
}

function path(
  ctx: CanvasRenderingContext2D, steps: number[], values: number[], px: (s: number) => number, py: (v: number) => number, color: string, alpha: number,
): void {
  ctx.globalAlpha = alpha;
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  values.forEach((v, i) => (i === 0 ? ctx.moveTo(px(steps[i]!), py(v)) : ctx.lineTo(px(steps[i]!), py(v))));
  ctx.stroke();
  ctx.globalAlpha = 1;
}

function format(v: number): string {
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : v.toFixed(2);
}
