/**
 * Fits the test's unconditional MAF to pinwheel samples (the same data, seeds and schedule as
 * test/fit_2d.test.ts; --steps N trains longer) and writes docs/flows-pinwheel.svg: the target
 * samples, and the fitted flow's log-density with the samples drawn over it, as a
 * dependency-free SVG.
 *
 *   cd packages/posterior-flow && npx --yes tsx scripts/plot-density.ts [--steps N] [out.svg]
 *
 * It imports the workspace packages through their builds (plain Node cannot load tfjs-core's
 * gradient registry from source, docs/tfjs-traps.md): build first, e.g. `pnpm turbo run build --filter=@ddvi/posterior-flow...`.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@ddvi/core';
import { FIT, fitByMaximumLikelihood, gaussianBaselineLogLik, makeMaf2D, meanLogLik, pinwheelData } from '../test/fit_2d';

const GRID = 90;
const EXTENT = 2.6;
const PANEL = 300;
const LOG_RANGE = 8;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--steps');
  const steps = at >= 0 ? Number(args.splice(at, 2)[1]) : FIT.steps;
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`--steps must be an integer >= 1, got ${steps}`);
  const out = args[0] ?? fileURLToPath(new URL('../../../docs/flows-pinwheel.svg', import.meta.url));
  const backend = await initBackend();
  const { train, test, exactTestLogLik } = pinwheelData(21);
  const flow = makeMaf2D(5);
  await fitByMaximumLikelihood(flow, train, 7, steps);
  const flowLL = meanLogLik(flow, test);
  const gaussLL = gaussianBaselineLogLik(train, test);

  const cells: number[][] = [];
  for (let i = 0; i < GRID; i++) for (let j = 0; j < GRID; j++) cells.push([cellCenter(j), cellCenter(GRID - 1 - i)]);
  const grid = tf.tensor2d(cells);
  const flowLogDensity = tf.tidy(() => flow.logProb(grid).dataSync());
  const samples = (test.arraySync() as number[][]).slice(0, 2000);

  const title = [
    `MAF (${FIT.layers} steps, MADE [${FIT.hidden.join(', ')}]) fitted by maximum likelihood`,
    `to ${FIT.nTrain} pinwheel samples: ${steps} Adam steps, batch ${FIT.batch}, ${backend.name}`,
  ];
  const caption = `held-out log-likelihood (nats/point): MAF ${flowLL.toFixed(2)}, full-cov. Gaussian ${gaussLL.toFixed(2)}, exact ${exactTestLogLik.toFixed(2)}`;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * PANEL + 30}" height="${PANEL + 125}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="18">${title[0]}</text><text x="10" y="34">${title[1]}</text>`,
    panel(10, 'target: 2,000 held-out samples', scatter(samples)),
    panel(PANEL + 20, 'fitted MAF log-density, samples over it', heatmap(flowLogDensity) + scatter(samples, 0.35)),
    `<text x="${PANEL + 20}" y="${PANEL + 90}">(white: ${LOG_RANGE} nats or more below its maximum)</text>`,
    `<text x="10" y="${PANEL + 115}">${caption}</text>`,
    '</svg>',
  ].join('\n');
  writeFileSync(out, svg);
  console.log(`${caption}\nwrote ${out}`);
  tf.dispose([grid, train, test]);
  flow.dispose();
}

function cellCenter(k: number): number {
  return -EXTENT + ((k + 0.5) * 2 * EXTENT) / GRID;
}

function toPixel(v: number): number {
  return ((v + EXTENT) / (2 * EXTENT)) * PANEL;
}

function panel(x: number, label: string, body: string): string {
  return `<g transform="translate(${x},52)"><rect width="${PANEL}" height="${PANEL}" fill="none" stroke="#999"/>${body}<text x="0" y="${PANEL + 18}">${label}</text></g>`;
}

function scatter(points: number[][], opacity = 1): string {
  const dots = points.map(([a, b]) => `<circle cx="${toPixel(a!).toFixed(1)}" cy="${(PANEL - toPixel(b!)).toFixed(1)}" r="0.9"/>`).join('');
  return `<g fill="#1f4e99" fill-opacity="${opacity}">${dots}</g>`;
}

/** Log-density on a GRID x GRID raster (row 0 at the top), shaded linearly over LOG_RANGE nats below the max. */
function heatmap(logDensity: ArrayLike<number>): string {
  const max = Math.max(...Array.from(logDensity));
  const size = PANEL / GRID;
  const rects: string[] = [];
  for (let i = 0; i < GRID; i++) {
    for (let j = 0; j < GRID; j++) {
      const v = 1 + (logDensity[i * GRID + j]! - max) / LOG_RANGE;
      const shade = Math.round(255 * (1 - Math.min(v, 1)));
      if (v <= 0) continue;
      rects.push(`<rect x="${(j * size).toFixed(2)}" y="${(i * size).toFixed(2)}" width="${(size + 0.05).toFixed(2)}" height="${(size + 0.05).toFixed(2)}" fill="rgb(${shade},${shade},255)"/>`);
    }
  }
  return rects.join('');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
