import { REFERENCE_KDE_BANDWIDTHS } from '@ddvi/distributions';
import { describeFamilySettings } from './family_settings';
import { GENOTYPE_TASK_DEFAULTS, REFERENCE_SNPS, genotypeSplitOptions } from '@ddvi/genotypes';
import { summarize } from '../metrics/summarize';
import type { CellResult } from './cell_store';
import type { BenchConfig } from './config';
import { CONTACT_SHEET } from './contact_sheet';
import { METRICS } from './metric_table';
import { semiNote } from './semi_report';
import { trainingPriorOptions } from './training_prior';
import type { MetricKey, MetricSpec } from './metric_table';
import type { RescoreRecord } from './rescore';

/** What results.json holds. */
export interface BenchResults {
  tool: { name: string; version: string };
  versions: Record<string, string>;
  backend: { name: string; reason: string; kernels?: string };
  config: BenchConfig;
  startedAt: string;
  finishedAt: string;
  /** Wall time of the invocation that wrote the file (cells read back from disk cost nothing). */
  wallSeconds: number;
  /** Cells of the grid, in grid order; `complete` is false while some are missing. */
  complete: boolean;
  cells: CellResult[];
  metrics: readonly MetricSpec[];
  /** Set by `ddvi bench report --rescore`: which latent metrics were scored again from the kept latents, and with what. */
  rescored?: RescoreRecord & { at: string };
}

/**
 * The columns of results.md: every metric, the second latent NLL only where the config asks for it
 * (or a rescoring or a cell has it), so a grid without it keeps its table.
 */
export function reportedMetrics(results: Pick<BenchResults, 'config' | 'cells' | 'rescored'>): MetricSpec[] {
  const alt = results.config.altLatentNllBandwidths !== undefined || results.rescored?.altLatentNllBandwidths !== undefined ||
    results.cells.some((c) => typeof c.metrics.altLatentNll === 'number');
  return METRICS.filter((m) => m.key !== 'altLatentNll' || alt);
}

const bandwidthSet = (h: readonly number[]) => `{${h.join(', ')}}`;

/** One row of a dataset's table: a family x prior pair, summarized over its seeds. */
export interface SummaryRow {
  dataset: string;
  family: string;
  prior: string;
  /** A baseline embedding method's row (named in `family`). */
  baseline: boolean;
  /** The label budget of a semi-supervised row (absent: unsupervised). */
  labels?: number;
  seeds: number[];
  /** null where no seed has the metric (n/a), else mean and 95% half-width (NaN for one seed). */
  values: Record<MetricKey, { mean: number; halfWidth95: number; n: number } | null>;
}

export function summaryRows(cells: readonly CellResult[]): SummaryRow[] {
  const groups = new Map<string, CellResult[]>();
  for (const c of cells) {
    const key = JSON.stringify([c.cell.dataset, c.cell.family, c.cell.prior, c.cell.baseline === true, c.cell.labels ?? null]);
    const list = groups.get(key) ?? [];
    list.push(c);
    groups.set(key, list);
  }
  const rows: SummaryRow[] = [];
  for (const list of groups.values()) {
    const first = list[0]!.cell;
    const values = {} as SummaryRow['values'];
    for (const m of METRICS) {
      const xs = list.map((c) => c.metrics[m.key]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      if (xs.length === 0) {
        values[m.key] = null;
      } else {
        const s = summarize(xs);
        values[m.key] = { mean: s.mean, halfWidth95: s.halfWidth95, n: s.n };
      }
    }
    rows.push({
      dataset: first.dataset, family: first.family, prior: first.prior, baseline: first.baseline === true, seeds: list.map((c) => c.cell.seed), values,
      ...(first.labels !== undefined ? { labels: first.labels } : {}),
    });
  }
  return rows;
}

/** Index of the best row per metric among `rows` (undefined where no row has the metric). */
export function bestRows(rows: readonly SummaryRow[]): Partial<Record<MetricKey, number[]>> {
  const best: Partial<Record<MetricKey, number[]>> = {};
  for (const m of METRICS) {
    let bestValue: number | undefined;
    let indices: number[] = [];
    rows.forEach((r, i) => {
      const v = r.values[m.key]?.mean;
      if (v === undefined) return;
      const better = bestValue === undefined || (m.higherIsBetter ? v > bestValue : v < bestValue);
      if (better) {
        bestValue = v;
        indices = [i];
      } else if (v === bestValue) {
        indices.push(i);
      }
    });
    if (indices.length > 0) best[m.key] = indices;
  }
  return best;
}

function formatValue(v: { mean: number; halfWidth95: number } | null, digits: number): string {
  if (v === null) return 'n/a';
  const mean = v.mean.toFixed(digits);
  return Number.isFinite(v.halfWidth95) ? `${mean} ± ${v.halfWidth95.toFixed(digits)}` : mean;
}

/** results.md: per dataset a table family x prior, metrics as mean ± 95% half-width over seeds, the best per column in bold. */
export function resultsMarkdown(results: BenchResults): string {
  const lines: string[] = [];
  const c = results.config;
  lines.push('# ddvi bench results', '');
  lines.push(
    `${results.cells.length} cells${results.complete ? '' : ' (grid incomplete: some cells are still missing)'}; ` +
      `families ${c.families.join(', ')}; priors ${c.priors.join(', ')}; seeds ${c.seeds.join(', ')}; ` +
      `${c.epochs} epochs, batch ${c.batchSize}, lr ${c.learningRate}${c.learningRateSchedule && c.learningRateSchedule !== 'constant' ? ` (${c.learningRateSchedule} decay)` : ''}; backend ${results.backend.kernels ?? results.backend.name}` +
      `${c.validation !== undefined ? `; scored on ${c.validation} held-out training examples (validation), not the test set` : ''}.`,
    '',
  );
  // A comparison is fair only if the families train with the same weights or each with its own tuned ones: say which.
  const own = c.families.filter((f) => Object.keys(c.familySettings?.[f] ?? {}).length > 0);
  lines.push(
    own.length === 0
      ? 'Training weights (the same for every family):'
      : own.length === c.families.length
        ? 'Training weights (each family its own):'
        : `Training weights (the grid's; ${own.join(', ')} with ${own.length > 1 ? 'their' : 'its'} own, as listed):`,
    '',
    ...describeFamilySettings(c).map((l) => `- ${l}`),
    '',
  );
  const columns = reportedMetrics(results);
  if (results.rescored) {
    const r = results.rescored;
    const clustering = r.clustering ? `${r.clustering.method ?? 'each cell\'s own method'}${r.clustering.components !== undefined ? ` with ${r.clustering.components} components` : ''}` : 'each cell\'s own clustering';
    lines.push(
      `Rescored from the kept latents (\`ddvi bench report --rescore\`, ${r.at}): ${r.metrics.map((k) => METRICS.find((m) => m.key === k)?.label ?? k).join(', ')} ` +
        `of ${r.rescored} cells, with kNN k = ${r.knnK}, latent-NLL bandwidths ${bandwidthSet(r.latentNllBandwidths)}` +
        `${r.altLatentNllBandwidths ? ` (alt H ${bandwidthSet(r.altLatentNllBandwidths)})` : ''}, clustering ${clustering}. ` +
        `Every other column is the run's${r.kept.length > 0 ? `; not rescored (no kept latents): ${r.kept.join(', ')}` : ''}.`,
      '',
    );
  }
  lines.push(
    'Values are mean ± 95% Student-t half-width over seeds (one seed: the mean alone). Bold: best per column ' +
      `(higher is better for ${columns.filter((m) => m.higherIsBetter).map((m) => m.label).join(', ')}; ` +
      `lower for ${columns.filter((m) => !m.higherIsBetter).map((m) => m.label).join(', ')}). ` +
      'n/a: the family has no tractable density (ELBO, IWAE; also a DDVI with the deterministic reverse chain) or the metric was not computed. Bounds in nats per datapoint.',
    '',
  );
  const rows = summaryRows(results.cells);
  for (const dataset of c.datasets) {
    const dsRows = rows.filter((r) => r.dataset === dataset);
    if (dsRows.length === 0) continue;
    const best = bestRows(dsRows);
    lines.push(`## ${dataset}`, '');
    // A metric only some families have (the classifier's accuracy) gets a column when a row has it.
    const shown = columns.filter((m) => !m.onlyWhenPresent || dsRows.some((r) => r.values[m.key] !== null));
    const semi = dsRows.some((r) => r.labels !== undefined);
    const head = ['family', 'prior', ...(semi ? ['labels'] : []), 'seeds', ...shown.map((m) => m.label)];
    lines.push(`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`);
    dsRows.forEach((r, i) => {
      const cells = shown.map((m) => {
        const text = formatValue(r.values[m.key], m.digits);
        return best[m.key]?.includes(i) ? `**${text}**` : text;
      });
      const family = r.baseline ? `${r.family} (baseline)` : r.labels !== undefined ? `${r.family}-semi` : r.family;
      lines.push(`| ${[family, r.prior, ...(semi ? [String(r.labels ?? '-')] : []), String(r.seeds.length), ...cells].join(' | ')} |`);
    });
    const failed = results.cells.filter((x) => x.cell.dataset === dataset && x.error !== undefined);
    if (failed.length > 0) {
      lines.push('', 'Failed cells (training diverged, or n/a: the family has no semi-supervised form; their metrics are n/a):', '');
      for (const f of failed) {
        const budget = f.cell.labels !== undefined ? `, ${f.cell.labels} labels` : '';
        lines.push(`- ${f.cell.family}, ${f.cell.prior}${budget}, seed ${f.cell.seed}: ${f.error!.replace(/\n/g, ' ')}`);
      }
    }
    lines.push('', '### Latent spaces', '');
    for (const cell of results.cells.filter((x) => x.cell.dataset === dataset && x.files.length > 0)) {
      const links = cell.files.map((f) => `[${f.split('.').pop()}](${f})`).join(' ');
      const what = cell.cell.baseline
        ? `${cell.cell.family} (baseline)`
        : `${cell.cell.family}, ${cell.cell.prior}${cell.cell.labels !== undefined ? `, ${cell.cell.labels} labels` : ''}`;
      lines.push(`- ${what}, seed ${cell.cell.seed}: ${links}`);
    }
    lines.push('');
  }
  lines.push('## Notes', '', ...reportNotes(results).map((n) => `- ${n}`), '');
  lines.push(`Written by ${results.tool.name} ${results.tool.version} at ${results.finishedAt}.`, '');
  return lines.join('\n');
}

/** What a reader needs to know to interpret the table: substitutions the runner made, and how baselines are scored. */
export function reportNotes(results: BenchResults): string[] {
  const c = results.config;
  const notes = [`All cells' latent plots side by side: [${CONTACT_SHEET}](${CONTACT_SHEET}).`];
  notes.push(
    `Each cell's latents (test and train, labels, and the latent NLL's prior samples) are kept in \`latents/<cell>.npz\` (\`numpy.load\` reads it); ` +
      '`ddvi bench report --rescore` scores them again with another k, bandwidths or clustering without retraining.',
  );
  const h = results.rescored?.latentNllBandwidths ?? c.latentNllBandwidths;
  const alt = results.rescored?.altLatentNllBandwidths ?? c.altLatentNllBandwidths;
  if (h !== undefined || alt !== undefined) {
    notes.push(
      `Latent NLL (spec §10.2): Gaussian KDEs fit on the scored latents, ${c.latentNllSamples} prior samples; bandwidths H = ${bandwidthSet(h ?? REFERENCE_KDE_BANDWIDTHS)}` +
        `${alt ? `, and in the "latent NLL, alt H" column H = ${bandwidthSet(alt)}` : ''}.`,
    );
  }
  if (c.evalDropout) notes.push('Dropout stays on at evaluation (ELBO, IWAE, latents), as the reference code does (spec §12.10, D5).');
  if (c.labels) notes.push(semiNote(c.labels));
  const smoothed = c.priors.filter((p) => trainingPriorOptions(p) !== undefined);
  if (smoothed.length > 0) {
    notes.push(
      `Prior${smoothed.length > 1 ? 's' : ''} ${smoothed.join(', ')}: the exact density is 0 (log p(z) = -inf) off the shape's edges, ` +
        'so models are trained, bounded and scored (latent NLL, plots) with its smoothed() version, which adds along-edge noise ' +
        'equal to the perpendicular noise and is positive everywhere; bounds for these rows are bounds under that prior.',
    );
  }
  if ((c.baselines ?? []).length > 0) {
    notes.push(
      `Baselines (${c.baselines.join(', ')}) embed every example at once (train and test rows together; no model, so no bound, ` +
        'reconstruction or latent NLL) and are scored on the same train/test rows as the families: kNN and logistic regression ' +
        'fit on the train rows, clustering metrics on the test rows.',
    );
  }
  if (c.datasets.includes('genotypes')) {
    const g = c.genotypes ?? {};
    const fraction = genotypeSplitOptions(g).testFraction;
    const scale = GENOTYPE_TASK_DEFAULTS.fileScale;
    notes.push(
      `genotypes: the model sees ${g.components ?? 'the top'} PCs / ${g.scale ?? (g.vcf ?? g.plink ?? g.pcs ? `${scale}` : `(${scale} x sqrt(SNPs / ${REFERENCE_SNPS / 1000}k)) for the simulated cohort`)} ` +
        'with a Gaussian (MSE) decoder, as the spec (§6, §11); NMI and purity come from a full-covariance ' +
        `Gaussian mixture with ${g.clusters === undefined ? 'one component per population' : `${g.clusters} components`} (spec §10.4: 10 initialisations, reg_covar 1e-2, on the latents scaled to unit mean squared radius so that one reg_covar suits every method's units) fit on the test latents; ` +
        (fraction === 0 ? 'train and test are every individual (the reference protocol).' : `${fraction * 100}% of each population is held out for testing.`),
    );
  }
  return notes;
}
