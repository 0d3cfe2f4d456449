import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GenotypeSource } from '../src/types';

/** A fresh temp folder; `path(name)` joins into it; `cleanup()` removes it. */
export function genotypeTemp(): { dir: string; path(name: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'ddvi-geno-'));
  return { dir, path: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Reads every SNP of a source: [{id, dosage: number[]}]. */
export async function readAll(src: GenotypeSource): Promise<{ chrom: string; pos: number; id: string; ref: string; alt: string; dosage: number[] }[]> {
  const out = [];
  for await (const r of src.snps()) out.push({ chrom: r.chrom, pos: r.pos, id: r.id, ref: r.ref, alt: r.alt, dosage: Array.from(r.dosage) });
  return out;
}

/**
 * Cluster separation of an embedding (n x d row-major) by label: the smallest distance between two
 * label centroids divided by the largest within-label RMS spread (root mean squared distance to
 * the centroid). > 1 means every pair of populations is farther apart than any population is wide.
 */
export function separationRatio(x: ArrayLike<number>, n: number, d: number, labels: Int32Array): { ratio: number; minCentroidDistance: number; maxSpread: number } {
  const K = Math.max(...labels) + 1;
  const cent = new Float64Array(K * d);
  const count = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    count[labels[i]!]!++;
    for (let c = 0; c < d; c++) cent[labels[i]! * d + c]! += x[i * d + c]!;
  }
  for (let k = 0; k < K; k++) for (let c = 0; c < d; c++) cent[k * d + c]! /= count[k]!;
  const spread = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += (x[i * d + c]! - cent[labels[i]! * d + c]!) ** 2;
    spread[labels[i]!]! += s;
  }
  let maxSpread = 0;
  for (let k = 0; k < K; k++) maxSpread = Math.max(maxSpread, Math.sqrt(spread[k]! / count[k]!));
  let minDist = Infinity;
  for (let a = 0; a < K; a++) {
    for (let b = a + 1; b < K; b++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += (cent[a * d + c]! - cent[b * d + c]!) ** 2;
      minDist = Math.min(minDist, Math.sqrt(s));
    }
  }
  return { ratio: minDist / maxSpread, minCentroidDistance: minDist, maxSpread };
}
