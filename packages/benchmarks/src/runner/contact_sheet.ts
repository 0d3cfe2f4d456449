import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CellResult } from './cell_store';
import { escapeXml } from './svg_text';

/** The contact sheet's file name in a run's folder. */
export const CONTACT_SHEET = 'contact_sheet.svg';

const TILE = 360;
const COLUMNS = 4;

/**
 * All cells' latent scatters in one SVG, a grid in grid order (each cell's own SVG nested at its
 * tile's position), so a whole run can be compared at a glance. Cells whose plot is missing (a
 * failed cell, a file removed by hand) get an empty tile with their name. Rebuilt from the files
 * on disk, so a resumed run's sheet includes the cells read back.
 */
export function contactSheetSvg(out: string, cells: readonly CellResult[]): string {
  const columns = Math.max(1, Math.min(COLUMNS, cells.length));
  const rows = Math.max(1, Math.ceil(cells.length / columns));
  const width = columns * TILE;
  const height = rows * TILE;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  cells.forEach((c, i) => {
    const x = (i % columns) * TILE;
    const y = Math.floor(i / columns) * TILE;
    const svgFile = c.files.find((f) => f.endsWith('.svg'));
    const path = svgFile === undefined ? undefined : join(out, svgFile);
    if (path !== undefined && existsSync(path)) {
      const inner = readFileSync(path, 'utf8').replace(/^\s*<\?xml[^>]*>\s*/, '').replace(/^<svg\b/, `<svg x="${x}" y="${y}"`);
      parts.push(inner.trim());
    } else {
      const why = c.error ? 'failed' : 'no plot';
      parts.push(
        `<text x="${x + 30}" y="${y + 40}" font-family="sans-serif" font-size="11">${escapeXml(`${c.id}: ${why}`)}</text>`,
      );
    }
  });
  parts.push('</svg>', '');
  return parts.join('\n');
}
