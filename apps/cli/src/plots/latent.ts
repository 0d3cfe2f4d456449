import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { LABEL_PALETTE } from '@ddvi/benchmarks';
import { svgToPng } from './render';

export interface LatentPlotInput {
  /** Encoded test examples, row-major [n x 2]. */
  z: Float32Array;
  labels?: Int32Array;
  /** What a label is ("digit"), for the legend title. */
  labelName: string;
  /** Prior samples, row-major [m x 2], drawn in grey behind the latents. */
  priorSamples: Float32Array;
  title: string;
  /** One string per line. */
  subtitle?: string[];
}

const PRIOR_KEY = 'prior sample';
/** The report's ten label hues (@ddvi/benchmarks), then the prior's light grey. */
const PALETTE = LABEL_PALETTE;
const GREY = '#cfcfcf';

/** The vega-lite spec: one scatter, prior samples first (so underneath), then the latents by label. */
export function latentSpec(input: LatentPlotInput): TopLevelSpec {
  const rows: { x: number; y: number; group: string }[] = [];
  for (let i = 0; i + 1 < input.priorSamples.length; i += 2) {
    rows.push({ x: input.priorSamples[i]!, y: input.priorSamples[i + 1]!, group: PRIOR_KEY });
  }
  const n = Math.floor(input.z.length / 2);
  const groups = new Set<number>();
  for (let i = 0; i < n; i++) {
    const label = input.labels?.[i];
    if (label !== undefined) groups.add(label);
    rows.push({ x: input.z[2 * i]!, y: input.z[2 * i + 1]!, group: label === undefined ? 'test latent' : String(label) });
  }
  const labelKeys = input.labels ? [...groups].sort((a, b) => a - b).map(String) : ['test latent'];
  const domain = [...labelKeys, PRIOR_KEY];
  const range = [...labelKeys.map((_, i) => PALETTE[i % PALETTE.length]!), GREY];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: input.title, subtitle: input.subtitle ?? [], anchor: 'start', fontSize: 13, subtitleFontSize: 11 },
    width: 440,
    height: 440,
    background: 'white',
    data: { values: rows },
    mark: { type: 'circle', size: 9, opacity: 0.85 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: 'z₁', scale: { zero: false, nice: true } },
      y: { field: 'y', type: 'quantitative', title: 'z₂', scale: { zero: false, nice: true } },
      color: {
        field: 'group', type: 'nominal', title: input.labels ? input.labelName : '', sort: domain,
        scale: { domain, range }, legend: { symbolSize: 80, symbolOpacity: 1 },
      },
    },
    config: { axis: { grid: true, gridColor: '#eeeeee' }, view: { stroke: '#888888' } },
  };
}

/** Renders the plot to SVG (vega, headless) and PNG (resvg). */
export async function renderLatentPlot(input: LatentPlotInput): Promise<{ svg: string; png: Uint8Array }> {
  const view = new vega.View(vega.parse(compile(latentSpec(input)).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return { svg, png: svgToPng(svg, 2) };
  } finally {
    view.finalize();
  }
}
