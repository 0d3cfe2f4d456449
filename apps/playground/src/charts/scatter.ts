import { labelColor } from './palette';

export interface ScatterData {
  step: number;
  /** [n * 2] row-major. */
  latents: Float32Array;
  /** [m * 2] row-major samples of the prior, drawn in grey beneath the latents (as the CLI's plots do). */
  prior?: Float32Array;
  labels: Int32Array | null;
  numClasses: number;
  extent: [number, number, number, number];
}

/** The prior samples' grey: light, so the latents drawn over them stay readable. */
export const PRIOR_COLOR = '#b8bcc4';

/**
 * Draws prior samples in grey, then the latent points over them colored by label, with axes at the data's extent, and records the step it
 * shows in the canvas's data-step attribute (what the end-to-end test watches).
 */
export function drawScatter(canvas: HTMLCanvasElement, data: ScatterData): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { width: w, height: h } = canvas;
  const pad = 28;
  const [x0, x1, y0, y1] = data.extent;
  const px = (x: number) => pad + ((x - x0) / (x1 - x0)) * (w - 2 * pad);
  const py = (y: number) => h - pad - ((y - y0) / (y1 - y0)) * (h - 2 * pad);
  ctx.clearRect(0, 0, w, h);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  ctx.strokeStyle = '#c9ccd3';
  ctx.strokeRect(pad, pad, w - 2 * pad, h - 2 * pad);
  if (x0 < 0 && x1 > 0) line(ctx, px(0), pad, px(0), h - pad);
  if (y0 < 0 && y1 > 0) line(ctx, pad, py(0), w - pad, py(0));
  ctx.fillStyle = '#4a5160';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'left';
  ctx.fillText(x0.toFixed(1), pad, h - 10);
  ctx.fillText(x1.toFixed(1), w - pad - 20, h - 10);
  ctx.fillText(y1.toFixed(1), 2, pad + 4);
  ctx.fillText(y0.toFixed(1), 2, h - pad);
  ctx.fillText(`z1 →   step ${data.step}`, w / 2 - 30, h - 10);
  ctx.globalAlpha = 0.5;
  ctx.fillStyle = PRIOR_COLOR;
  const prior = data.prior ?? new Float32Array(0);
  for (let i = 0; i + 1 < prior.length; i += 2) {
    const x = prior[i]!, y = prior[i + 1]!;
    if (Number.isFinite(x) && Number.isFinite(y)) ctx.fillRect(px(x) - 1, py(y) - 1, 2, 2);
  }
  ctx.globalAlpha = 0.75;
  const n = data.latents.length / 2;
  for (let i = 0; i < n; i++) {
    const x = data.latents[2 * i]!, y = data.latents[2 * i + 1]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    ctx.fillStyle = data.labels ? labelColor(data.labels[i]!) : '#4e79a7';
    ctx.fillRect(px(x) - 1.5, py(y) - 1.5, 3, 3);
  }
  ctx.globalAlpha = 1;
  canvas.dataset.step = String(data.step);
}

function line(ctx: CanvasRenderingContext2D, ax: number, ay: number, bx: number, by: number): void {
  ctx.beginPath();
  ctx.moveTo(ax, ay);
  ctx.lineTo(bx, by);
  ctx.stroke();
}
