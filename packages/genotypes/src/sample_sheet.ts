import { ValidationError } from '@ddvi/core';
import { readLines } from './text_lines';

/**
 * Population labels from a sample sheet in the 1000 Genomes panel format: tab-separated, a header
 * line naming the columns, then one row per sample, e.g. (affy_samples.20141118.panel,
 * integrated_call_samples_v3.20130502.ALL.panel):
 *
 *   sample  pop  super_pop  gender
 *   HG00096 GBR  EUR        male
 *
 * `sample` and `pop` are required, `super_pop` and `gender` optional; other columns are ignored,
 * and so are trailing empty fields (some 1000 Genomes panels end every line with a tab).
 */
export interface SampleSheetRow {
  sample: string;
  pop: string;
  superPop?: string;
  gender?: string;
}

export interface SampleSheet {
  readonly path: string;
  readonly rows: readonly SampleSheetRow[];
  /** Row index by sample ID. */
  readonly bySample: ReadonlyMap<string, SampleSheetRow>;
}

export async function readSampleSheet(path: string): Promise<SampleSheet> {
  const where = `sample sheet ${path}`;
  let header: string[] | undefined;
  let lineNo = 0;
  const rows: SampleSheetRow[] = [];
  const bySample = new Map<string, SampleSheetRow>();
  let iSample = -1;
  let iPop = -1;
  let iSuper = -1;
  let iGender = -1;
  for await (const line of readLines(path, 'sample sheet')) {
    lineNo++;
    if (line.trim() === '') continue;
    const f = line.split('\t').map((x) => x.trim());
    if (!header) {
      header = f.map((x) => x.toLowerCase());
      iSample = header.indexOf('sample');
      iPop = header.indexOf('pop');
      iSuper = header.indexOf('super_pop');
      iGender = header.indexOf('gender');
      if (iSample < 0 || iPop < 0) {
        throw new ValidationError(
          `${where} line ${lineNo}: malformed header: expected tab-separated column names including "sample" and "pop" ` +
            `(1000 Genomes panel format: sample, pop, super_pop, gender), found ${JSON.stringify(line.slice(0, 120))}`,
        );
      }
      continue;
    }
    const need = Math.max(iSample, iPop, iSuper) + 1;
    if (f.length < need || f[iSample] === '' || f[iPop] === '') {
      throw new ValidationError(
        `${where} line ${lineNo}: expected at least ${need} tab-separated fields with a non-empty sample and pop (header: ${header.join(', ')}), ` +
          `found ${f.length}: ${JSON.stringify(line.slice(0, 120))}`,
      );
    }
    const row: SampleSheetRow = { sample: f[iSample]!, pop: f[iPop]! };
    if (iSuper >= 0 && f[iSuper]) row.superPop = f[iSuper]!;
    if (iGender >= 0 && f[iGender]) row.gender = f[iGender]!;
    if (bySample.has(row.sample)) throw new ValidationError(`${where} line ${lineNo}: sample ${JSON.stringify(row.sample)} is listed twice`);
    bySample.set(row.sample, row);
    rows.push(row);
  }
  if (!header) throw new ValidationError(`${where}: the file is empty; expected a header line "sample\\tpop\\tsuper_pop\\tgender"`);
  if (rows.length === 0) throw new ValidationError(`${where}: a header but no samples`);
  return { path, rows, bySample };
}

/**
 * Population codes in the order of a 1000 Genomes populations table
 * (20131219.populations.tsv): the column named "Population Code" (or "pop" / "code"), in file
 * order, blank and code-less lines skipped. The DDVI reference orders its 26 labels this way
 * (by continent, as the file lists them).
 */
export async function readPopulationOrder(path: string): Promise<string[]> {
  const where = `populations table ${path}`;
  let col = -1;
  let lineNo = 0;
  const codes: string[] = [];
  for await (const line of readLines(path, 'populations table')) {
    lineNo++;
    if (line.trim() === '') continue;
    const f = line.split('\t').map((x) => x.trim());
    if (col < 0) {
      const lower = f.map((x) => x.toLowerCase());
      col = lower.indexOf('population code');
      if (col < 0) col = lower.indexOf('pop');
      if (col < 0) col = lower.indexOf('code');
      if (col < 0) {
        throw new ValidationError(`${where} line ${lineNo}: malformed header: expected a column named "Population Code", found ${JSON.stringify(line.slice(0, 120))}`);
      }
      continue;
    }
    const code = f[col];
    if (code && !codes.includes(code)) codes.push(code);
  }
  if (codes.length === 0) throw new ValidationError(`${where}: no population codes found`);
  return codes;
}

export interface LabelOptions {
  /**
   * Label order (class index = position). Default: super-populations sorted by code, then
   * populations sorted by code within each (deterministic for any sheet); pass
   * `readPopulationOrder(...)` for the reference's continent order.
   */
  populationOrder?: readonly string[];
  /** Genotyped samples absent from the sheet: `'error'` (default) or `'drop'` them from the analysis. */
  unlabeled?: 'error' | 'drop';
}

export interface SampleLabels {
  /** Indices (into the genotype file's samples) of the samples kept, in file order. */
  keep: Int32Array;
  /** IDs of the kept samples. */
  samples: string[];
  /** Class index of each kept sample. */
  labels: Int32Array;
  /** Population code of each class index. */
  populations: string[];
  /** Super-population of each class (when the sheet has super_pop), else "". */
  superPopulations: string[];
  /** Genotyped samples dropped for lack of a label. */
  dropped: string[];
}

/** Matches genotype-file samples to a sheet and assigns class indices. */
export function labelSamples(fileSamples: readonly string[], sheet: SampleSheet, source: string, options: LabelOptions = {}): SampleLabels {
  const unlabeled = options.unlabeled ?? 'error';
  const keepIdx: number[] = [];
  const dropped: string[] = [];
  fileSamples.forEach((s, i) => (sheet.bySample.has(s) ? keepIdx.push(i) : dropped.push(s)));
  if (dropped.length > 0 && unlabeled === 'error') {
    throw new ValidationError(
      `sample sheet ${sheet.path} does not match ${source}: ${dropped.length} of ${fileSamples.length} genotyped samples have no row in the sheet ` +
        `(${sheet.rows.length} rows), e.g. ${dropped.slice(0, 5).map((s) => JSON.stringify(s)).join(', ')}; ` +
        `pass unlabeled: "drop" to leave them out`,
    );
  }
  if (keepIdx.length === 0) {
    throw new ValidationError(`sample sheet ${sheet.path} does not match ${source}: none of its ${sheet.rows.length} samples is among the ${fileSamples.length} genotyped samples`);
  }
  const rows = keepIdx.map((i) => sheet.bySample.get(fileSamples[i]!)!);
  let order: string[];
  if (options.populationOrder) {
    order = [...options.populationOrder];
    const missing = [...new Set(rows.map((r) => r.pop))].filter((p) => !order.includes(p));
    if (missing.length > 0) {
      throw new ValidationError(`sample sheet ${sheet.path}: populations ${missing.join(', ')} are not in populationOrder (${order.join(', ')})`);
    }
    const present = new Set(rows.map((r) => r.pop));
    order = order.filter((p) => present.has(p));
  } else {
    const superOf = new Map<string, string>();
    for (const r of rows) if (!superOf.has(r.pop)) superOf.set(r.pop, r.superPop ?? '');
    order = [...superOf.keys()].sort((a, b) => {
      const sa = superOf.get(a)!;
      const sb = superOf.get(b)!;
      return sa < sb ? -1 : sa > sb ? 1 : a < b ? -1 : a > b ? 1 : 0;
    });
  }
  const index = new Map(order.map((p, i) => [p, i]));
  const superPopulations = order.map((p) => rows.find((r) => r.pop === p)?.superPop ?? '');
  return {
    keep: Int32Array.from(keepIdx),
    samples: keepIdx.map((i) => fileSamples[i]!),
    labels: Int32Array.from(rows.map((r) => index.get(r.pop)!)),
    populations: order,
    superPopulations,
    dropped,
  };
}
