import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTinyBenchmark } from '../guides/examples/run-the-benchmark';

const out = mkdtempSync(join(tmpdir(), 'ddvi-guide-bench-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('guide 3: run the benchmark and read its table and plots', () => {
  it('writes results.md with a row per family and a latent scatter per cell', async () => {
    const { results, table, plots } = await runTinyBenchmark(out);
    expect(results.complete).toBe(true);
    expect(results.cells.map((c) => c.cell.family)).toEqual(['gaussian', 'iaf']);
    for (const c of results.cells) {
      expect(c.error).toBeUndefined();
      expect(Number.isFinite(c.metrics.elbo)).toBe(true);
    }
    expect(table).toMatch(/^\| gaussian \| pinwheel \| 1 \|/m);
    expect(table).toMatch(/^\| iaf \| pinwheel \| 1 \|/m);
    expect(plots).toHaveLength(2);
    for (const p of plots) {
      expect(p).toMatch(/\.svg$/);
      expect(readFileSync(join(out, p), 'utf8')).toMatch(/^<svg|<\?xml/);
    }
    expect(existsSync(join(out, 'results.json'))).toBe(true);
  });
});
