import { describe, expect, it } from 'vitest';
import { PRIOR_COLOR, drawScatter } from '../src/charts/scatter';

/** A 2-D context that records each filled point's color, position and alpha, in drawing order. */
function recordingCanvas() {
  const points: { color: string; x: number; y: number; alpha: number }[] = [];
  const ctx = {
    fillStyle: '', strokeStyle: '', font: '', textAlign: '', globalAlpha: 1,
    clearRect() {}, strokeRect() {}, fillText() {}, beginPath() {}, moveTo() {}, lineTo() {}, stroke() {},
    fillRect(x: number, y: number, w: number) {
      if (w < 5) points.push({ color: ctx.fillStyle, x, y, alpha: ctx.globalAlpha });
    },
  };
  const canvas = { width: 200, height: 200, dataset: {} as Record<string, string>, getContext: () => ctx };
  return { canvas: canvas as unknown as HTMLCanvasElement, points };
}

describe('latent scatter', () => {
  it('draws the prior samples in grey first (beneath), then the latents by label', () => {
    const { canvas, points } = recordingCanvas();
    drawScatter(canvas, {
      step: 3, latents: Float32Array.from([0, 0, 1, 1]), labels: Int32Array.from([0, 1]), numClasses: 2,
      prior: Float32Array.from([-1, -1, 2, 2, 0.5, -0.5]), extent: [-3, 3, -3, 3],
    });
    expect(points.map((p) => p.color).slice(0, 3)).toEqual([PRIOR_COLOR, PRIOR_COLOR, PRIOR_COLOR]);
    expect(points.slice(3).every((p) => p.color !== PRIOR_COLOR)).toBe(true);
    expect(points).toHaveLength(5);
    // Prior point (-1, -1) at 1/3 of the way across the padded plot (pad 28), y flipped.
    expect(points[0]!.x + 1).toBeCloseTo(28 + (2 / 6) * 144, 6);
    expect(points[0]!.y + 1).toBeCloseTo(200 - 28 - (2 / 6) * 144, 6);
    expect(canvas.dataset.step).toBe('3');
  });

  it('draws no prior when the snapshot has none', () => {
    const { canvas, points } = recordingCanvas();
    drawScatter(canvas, { step: 0, latents: Float32Array.from([0, 0]), labels: null, numClasses: 0, extent: [-1, 1, -1, 1] });
    expect(points.map((p) => p.color)).toEqual(['#4e79a7']);
  });
});
