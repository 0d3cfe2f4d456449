import { Resvg } from '@resvg/resvg-js';

/**
 * Rasterizes an SVG (vega's output) to PNG with resvg, at `scale` times its size. Text uses the
 * system's fonts (DejaVu Sans where present); without any font, shapes still render.
 */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

/** Escapes text for SVG/XML content and attributes (the report's escaping, defined once in @ddvi/benchmarks). */
export { escapeXml as xml } from '@ddvi/benchmarks';
