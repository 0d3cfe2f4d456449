/**
 * What every plot of a run shares, defined once: the label colours (Tableau 10 with a dark last
 * hue, so ten digit classes stay distinct from the light grey of prior samples) and the escaping of
 * text for SVG / XML. The report's SVGs and the CLI's vega PNGs both use them.
 */
export const LABEL_PALETTE: readonly string[] = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#2f2f2f'];

/** Escapes text for SVG/XML content and attributes. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
