import { readFile } from 'node:fs/promises';
import { ValidationError, writeFileAtomic } from '@ddvi/core';
import type { GenotypePcaResult } from './pipeline';
import { notFound } from './text_lines';

/**
 * A computed PC matrix saved to disk, so the minutes-long pass over a real genotype file and the
 * eigendecomposition run once: JSON holding the metadata, with the scores as base64 of
 * little-endian float64 (row-major n x k). Written atomically.
 */
export const PCS_FORMAT = 'ddvi-genotype-pcs';
export const PCS_VERSION = 1;

export type SavedGenotypePcs = Pick<
  GenotypePcaResult,
  'n' | 'k' | 'scores' | 'eigenvalues' | 'explainedVarianceRatio' | 'samples' | 'labels' | 'populations' | 'superPopulations' | 'snpsUsed' | 'source'
>;

function f64ToBase64(a: Float64Array): string {
  const buf = Buffer.alloc(a.length * 8);
  for (let i = 0; i < a.length; i++) buf.writeDoubleLE(a[i]!, i * 8);
  return buf.toString('base64');
}

function base64ToF64(text: string, expected: number, what: string): Float64Array {
  const buf = Buffer.from(text, 'base64');
  if (buf.length !== expected * 8) throw new ValidationError(`${what}: expected ${expected} float64 values (${expected * 8} bytes), found ${buf.length} bytes`);
  const out = new Float64Array(expected);
  for (let i = 0; i < expected; i++) out[i] = buf.readDoubleLE(i * 8);
  return out;
}

export async function writeGenotypePcs(path: string, r: SavedGenotypePcs): Promise<void> {
  const body = {
    format: PCS_FORMAT,
    version: PCS_VERSION,
    source: r.source,
    n: r.n,
    k: r.k,
    snpsUsed: r.snpsUsed,
    samples: r.samples,
    labels: Array.from(r.labels),
    populations: r.populations,
    superPopulations: r.superPopulations,
    eigenvalues: Array.from(r.eigenvalues),
    explainedVarianceRatio: Array.from(r.explainedVarianceRatio),
    scores: f64ToBase64(r.scores instanceof Float64Array ? r.scores : Float64Array.from(r.scores)),
  };
  await writeFileAtomic(path, JSON.stringify(body) + '\n');
}

export async function readGenotypePcs(path: string): Promise<SavedGenotypePcs> {
  const where = `genotype PC file ${path}`;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw notFound(err, path, 'genotype PC file');
  }
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new ValidationError(`${where}: not JSON (${(err as Error).message})`);
  }
  if (j.format !== PCS_FORMAT || j.version !== PCS_VERSION) {
    throw new ValidationError(`${where}: expected format "${PCS_FORMAT}" version ${PCS_VERSION}, found ${JSON.stringify(j.format)} version ${JSON.stringify(j.version)}`);
  }
  const n = j.n as number;
  const k = j.k as number;
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(k) || k < 1) throw new ValidationError(`${where}: n and k must be integers >= 1, found ${j.n} and ${j.k}`);
  const arr = (name: string, len: number): unknown[] => {
    const v = j[name];
    if (!Array.isArray(v) || v.length !== len) throw new ValidationError(`${where}: ${name} must be an array of length ${len}`);
    return v;
  };
  const populations = arr('populations', (j.populations as unknown[] | undefined)?.length ?? -1) as string[];
  const labels = Int32Array.from(arr('labels', n) as number[]);
  const bad = labels.findIndex((l) => !(l >= 0 && l < populations.length));
  if (bad >= 0) throw new ValidationError(`${where}: labels[${bad}] = ${labels[bad]} is not a class index in [0, ${populations.length})`);
  if (typeof j.scores !== 'string') throw new ValidationError(`${where}: scores must be a base64 string`);
  return {
    source: String(j.source ?? ''),
    n,
    k,
    snpsUsed: Number(j.snpsUsed ?? 0),
    samples: arr('samples', n) as string[],
    labels,
    populations,
    superPopulations: arr('superPopulations', populations.length) as string[],
    eigenvalues: Float64Array.from(arr('eigenvalues', k) as number[]),
    explainedVarianceRatio: Float64Array.from(arr('explainedVarianceRatio', k) as number[]),
    scores: base64ToF64(j.scores, n * k, `${where}: scores`),
  };
}
