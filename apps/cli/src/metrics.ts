import type { BackendInfo, EpochRecord } from '@ddvi/core';
import { duration, num } from './format';

/** What reports say instead of a density metric (ELBO, IWAE) for families without a tractable density. */
export const NO_DENSITY = 'n/a (no tractable density)';

/** What `ddvi train` records in metrics.json; bounds are nats per datapoint (spec D1). */
export interface RunMetrics {
  tool: { name: string; version: string };
  command: string;
  config: object;
  backend: BackendInfo;
  data: { train: { name: string; size: number }; test: { name: string; size: number }; dataSize: number };
  steps: { total: number; perEpoch: number; ranNow: number; skipped: number; resumedFrom: number | null };
  history: EpochRecord[];
  final: {
    /** Test-set terms of the last epoch's evaluation (training off): bound = ELBO, reconstruction, kl. */
    test: Record<string, number>;
    elbo: number | null;
    /** Importance-weighted bound with k samples on the test subset, null when --iwae-k 0 or not applicable. */
    iwae: { k: number; bound: number; examples: number; seconds: number } | null;
    /** Whether ELBO and IWAE apply: NO_DENSITY for families without a tractable density (elbo and iwae are then null). */
    densityMetrics: 'reported' | typeof NO_DENSITY;
  };
  timing: {
    startedAt: string;
    finishedAt: string;
    /** Wall time of this invocation (data loading, training, evaluation, plots). */
    wallSeconds: number;
    /** Summed epoch times over the whole run, resumed parts included. */
    trainSeconds: number;
    /** Mean wall time of the optimizer steps this invocation ran (evaluation and checkpoints excluded). */
    msPerStep: number | null;
  };
  files: string[];
}

/** metrics.md: the same record as tables a person can read. */
export function metricsMarkdown(m: RunMetrics): string {
  const lines: string[] = [];
  const c = m.config as Record<string, unknown>;
  lines.push(`# ddvi train: ${String(c.dataset)}, ${String(c.posterior)} posterior, ${String(c.prior)} prior, seed ${String(c.seed)}`, '');
  lines.push('Bounds are lower bounds on log p(x) in nats per datapoint (higher is better).', '');
  if (m.final.densityMetrics === NO_DENSITY) {
    lines.push(`The ${String(c.posterior)} family has no tractable density, so no bound exists for it: ELBO and IWAE are ${NO_DENSITY}; it trains on the reconstruction.`, '');
  }
  lines.push('## Result', '', '| metric | value |', '| --- | --- |');
  const density = m.final.densityMetrics !== NO_DENSITY;
  lines.push(`| test ELBO | ${density ? num(m.final.elbo ?? undefined) : NO_DENSITY} |`);
  if (m.final.test.reconstruction !== undefined) lines.push(`| test reconstruction E[log p(x\\|z)] | ${num(m.final.test.reconstruction)} |`);
  if (m.final.test.kl !== undefined) lines.push(`| test KL(q \\|\\| p) | ${num(m.final.test.kl)} |`);
  const iwae = m.final.iwae ? `${num(m.final.iwae.bound)} (k = ${m.final.iwae.k}, ${m.final.iwae.examples} examples)` : 'not computed';
  lines.push(`| test IWAE bound | ${density ? iwae : NO_DENSITY} |`);
  lines.push(`| backend | ${m.backend.kernels ?? m.backend.name} (${m.backend.reason}) |`);
  lines.push(`| wall time (this invocation) | ${duration(m.timing.wallSeconds)} |`);
  lines.push(`| training time (all epochs) | ${duration(m.timing.trainSeconds)} |`);
  lines.push(`| ms per step | ${m.timing.msPerStep === null ? '-' : num(m.timing.msPerStep, 0)} |`);
  lines.push(`| steps | ${m.steps.total} (${m.steps.perEpoch} per epoch${m.steps.skipped ? `, ${m.steps.skipped} skipped` : ''}) |`);
  lines.push(`| data | train ${m.data.train.name} (${m.data.train.size}), test ${m.data.test.name} (${m.data.test.size}), ${m.data.dataSize} features |`);
  lines.push('', '## History', '');
  const keys = termNames(m.history);
  const head = ['epoch', 'phase', ...keys.map((k) => `train ${k}`), ...keys.map((k) => `test ${k}`), 'time'];
  lines.push(`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`);
  for (const r of m.history) {
    const cells = [String(r.epoch + 1), r.phase, ...keys.map((k) => num(r.train[k])), ...keys.map((k) => num(r.test?.[k])), duration(r.seconds)];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push('', '## Configuration', '', '| setting | value |', '| --- | --- |');
  for (const [k, v] of Object.entries(c)) lines.push(`| ${k} | ${typeof v === 'string' ? v : JSON.stringify(v)} |`);
  lines.push('', `Command: \`${m.command}\``, '', `Written by ${m.tool.name} ${m.tool.version} at ${m.timing.finishedAt}.`, '');
  return lines.join('\n');
}

function termNames(history: EpochRecord[]): string[] {
  const names = new Set<string>();
  for (const r of history) for (const k of [...Object.keys(r.train), ...Object.keys(r.test ?? {})]) if (k !== 'loss') names.add(k);
  const order = ['bound', 'reconstruction', 'kl'];
  return [...names].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b));
}
