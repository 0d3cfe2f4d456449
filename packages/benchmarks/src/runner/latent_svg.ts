import { LABEL_PALETTE, escapeXml as esc } from './svg_text';

/** A dependency-free SVG scatter of 2-D latents over prior samples (one per cell in the report). */
export interface LatentScatterInput {
  /** Row-major [n x 2]. */
  z: Float32Array;
  labels?: Int32Array;
  /** Row-major [m x 2], drawn in grey underneath. */
  priorSamples: Float32Array;
  title: string;
  /** Points drawn on top, ringed in black and coloured by their labels (a semi-supervised cell's labelled training examples). */
  marked?: { z: Float32Array; labels?: Int32Array } | undefined;
}

const PALETTE = LABEL_PALETTE;
const SIZE = 360;
const PAD = 30;

/** Axis range of the prior samples and latents (1st to 99th percentile, widened by 10%), so outliers do not squash the plot. */
function range(values: number[]): [number, number] {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return [-1, 1];
  const lo = finite[Math.floor(0.01 * (finite.length - 1))]!;
  const hi = finite[Math.ceil(0.99 * (finite.length - 1))]!;
  const pad = Math.max(1e-6, (hi - lo) * 0.1);
  return [lo - pad, hi + pad];
}

export function latentScatterSvg(input: LatentScatterInput): string {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const a of [input.priorSamples, input.z]) {
    for (let i = 0; i + 1 < a.length; i += 2) {
      xs.push(a[i]!);
      ys.push(a[i + 1]!);
    }
  }
  const [x0, x1] = range(xs);
  const [y0, y1] = range(ys);
  const px = (x: number) => PAD + ((x - x0) / (x1 - x0)) * (SIZE - 2 * PAD);
  const py = (y: number) => SIZE - PAD - ((y - y0) / (y1 - y0)) * (SIZE - 2 * PAD);
  const inside = (x: number, y: number) => Number.isFinite(x) && Number.isFinite(y) && x >= x0 && x <= x1 && y >= y0 && y <= y1;
  const dots: string[] = [];
  const p = input.priorSamples;
  for (let i = 0; i + 1 < p.length; i += 2) {
    if (inside(p[i]!, p[i + 1]!)) dots.push(`<circle cx="${px(p[i]!).toFixed(1)}" cy="${py(p[i + 1]!).toFixed(1)}" r="1.2" fill="#cfcfcf"/>`);
  }
  const colorOf = (label: number | undefined) => (label === undefined ? PALETTE[0]! : PALETTE[((label % PALETTE.length) + PALETTE.length) % PALETTE.length]!);
  const z = input.z;
  for (let i = 0; 2 * i + 1 < z.length; i++) {
    const x = z[2 * i]!;
    const y = z[2 * i + 1]!;
    if (!inside(x, y)) continue;
    dots.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="1.6" fill="${colorOf(input.labels?.[i])}" fill-opacity="0.8"/>`);
  }
  const m = input.marked?.z ?? new Float32Array(0);
  for (let i = 0; 2 * i + 1 < m.length; i++) {
    const x = m[2 * i]!;
    const y = m[2 * i + 1]!;
    if (!inside(x, y)) continue;
    dots.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${colorOf(input.marked!.labels?.[i])}" stroke="black" stroke-width="0.8"/>`);
  }
  const markedNote = input.marked
    ? [`<text x="${PAD}" y="${SIZE - 20}" font-family="sans-serif" font-size="9" fill="#555">ringed: ${m.length / 2} labelled training examples (their latents, coloured by class)</text>`]
    : [];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">`,
    `<rect width="${SIZE}" height="${SIZE}" fill="white"/>`,
    `<rect x="${PAD}" y="${PAD}" width="${SIZE - 2 * PAD}" height="${SIZE - 2 * PAD}" fill="none" stroke="#888"/>`,
    `<text x="${PAD}" y="${PAD - 10}" font-family="sans-serif" font-size="11">${esc(input.title)}</text>`,
    `<text x="${PAD}" y="${SIZE - 10}" font-family="sans-serif" font-size="9" fill="#555">z1 ${x0.toFixed(2)} .. ${x1.toFixed(2)}, z2 ${y0.toFixed(2)} .. ${y1.toFixed(2)}; grey: prior samples</text>`,
    ...markedNote,
    ...dots,
    '</svg>',
    '',
  ].join('\n');
}
