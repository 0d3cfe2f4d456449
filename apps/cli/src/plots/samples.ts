import { greyPng } from './png';
import { xml } from './render';

export interface GridSpec {
  /** Points per side. */
  n: number;
  /** Latent range drawn: x (z1) from left to right, y (z2) from bottom to top. */
  xRange: [number, number];
  yRange: [number, number];
}

/**
 * The grid's latent points, row-major from the top-left: row r has z2 = yMax - r * step (so up in
 * the image is up in the latent plot), column c has z1 = xMin + c * step.
 */
export function gridPoints(grid: GridSpec): Float32Array {
  const { n, xRange, yRange } = grid;
  const at = (range: [number, number], i: number) => (n === 1 ? (range[0] + range[1]) / 2 : range[0] + ((range[1] - range[0]) * i) / (n - 1));
  const z = new Float32Array(n * n * 2);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      z[2 * (r * n + c)] = at(xRange, c);
      z[2 * (r * n + c) + 1] = at(yRange, n - 1 - r);
    }
  }
  return z;
}

/** A symmetric range covering the central `mass` of each coordinate of 2-D samples [m x 2]. */
export function centralRange(samples: Float32Array, axis: 0 | 1, mass = 0.99): [number, number] {
  const v = Float32Array.from({ length: Math.floor(samples.length / 2) }, (_, i) => samples[2 * i + axis]!).sort();
  const q = (p: number) => v[Math.min(v.length - 1, Math.max(0, Math.round(p * (v.length - 1))))]!;
  const lo = q((1 - mass) / 2);
  const hi = q(1 - (1 - mass) / 2);
  return hi > lo ? [lo, hi] : [lo - 1, hi + 1];
}

/**
 * Tiles decoded images (`images` [n*n x rows*cols], grid order of gridPoints) into one grey image,
 * scaled up by an integer factor so small tiles stay visible. Returns the PNG and its size.
 */
export function tileImages(
  images: Float32Array, grid: GridSpec, tile: [number, number], minSize = 420,
): { png: Uint8Array; width: number; height: number } {
  const [rows, cols] = tile;
  const { n } = grid;
  const scale = Math.max(1, Math.ceil(minSize / (n * Math.max(rows, cols))));
  const width = n * cols * scale;
  const height = n * rows * scale;
  const pixels = new Float32Array(width * height);
  for (let gy = 0; gy < n; gy++) {
    for (let gx = 0; gx < n; gx++) {
      const base = (gy * n + gx) * rows * cols;
      for (let y = 0; y < rows * scale; y++) {
        for (let x = 0; x < cols * scale; x++) {
          const v = images[base + Math.floor(y / scale) * cols + Math.floor(x / scale)]!;
          pixels[(gy * rows * scale + y) * width + gx * cols * scale + x] = v;
        }
      }
    }
  }
  return { png: greyPng(pixels, width, height), width, height };
}

/** An SVG framing the tiled PNG with the latent coordinates of its first, middle and last columns and rows. */
export function samplesSvg(png: Uint8Array, width: number, height: number, grid: GridSpec, title: string): string {
  const left = 56;
  const top = 40;
  const bottom = 44;
  const right = 16;
  const W = left + width + right;
  const H = top + height + bottom;
  const b64 = Buffer.from(png).toString('base64');
  const fmt = (v: number) => (Math.abs(v) < 1e-9 ? '0' : v.toFixed(2));
  const ticks: string[] = [];
  const { n } = grid;
  for (const i of [0, Math.floor((n - 1) / 2), n - 1]) {
    const frac = n === 1 ? 0.5 : (i + 0.5) / n;
    const xv = grid.xRange[0] + ((grid.xRange[1] - grid.xRange[0]) * i) / Math.max(1, n - 1);
    const yv = grid.yRange[1] - ((grid.yRange[1] - grid.yRange[0]) * i) / Math.max(1, n - 1);
    const x = left + frac * width;
    const y = top + frac * height;
    ticks.push(`<line x1="${x}" y1="${top + height}" x2="${x}" y2="${top + height + 5}" stroke="#444"/>`);
    ticks.push(`<text x="${x}" y="${top + height + 18}" text-anchor="middle">${fmt(xv)}</text>`);
    ticks.push(`<line x1="${left - 5}" y1="${y}" x2="${left}" y2="${y}" stroke="#444"/>`);
    ticks.push(`<text x="${left - 8}" y="${y + 4}" text-anchor="end">${fmt(yv)}</text>`);
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${left}" y="22" font-size="13" font-weight="bold">${xml(title)}</text>`,
    `<image x="${left}" y="${top}" width="${width}" height="${height}" style="image-rendering:pixelated" xlink:href="data:image/png;base64,${b64}"/>`,
    `<rect x="${left}" y="${top}" width="${width}" height="${height}" fill="none" stroke="#444"/>`,
    ...ticks,
    `<text x="${left + width / 2}" y="${H - 8}" text-anchor="middle">z₁</text>`,
    `<text x="14" y="${top + height / 2}" text-anchor="middle" transform="rotate(-90 14 ${top + height / 2})">z₂</text>`,
    '</svg>',
  ].join('\n');
}
