import type { EpochRecord } from '@ddvi/core';

/**
 * The bound's parts as the training records hold them: bound = reconstruction + log p(z) -
 * log q(y_T | x) - chain log-ratio, with log p(z) = logRatio - kl (the ELBO's kl is
 * logQ - log p(z) and the posterior reports logQ as logRatio).
 */
function parts(train: Record<string, number>): Record<string, number> | undefined {
  const { reconstruction, kl, logRatio, encoderLogQ, chainLogRatio } = train;
  if ([reconstruction, kl, logRatio, encoderLogQ, chainLogRatio].some((v) => v === undefined)) return undefined;
  return {
    reconstruction: reconstruction!,
    'log p(z)': logRatio! - kl!,
    'encoder -log q(y_T | x)': -encoderLogQ!,
    'chain -log-ratio': -chainLogRatio!,
  };
}

/**
 * A collapse of the train bound: this epoch's mean bound fell below the best earlier epoch of the
 * same phase by more than `tolerance` times that best bound's size (and by at least `minDrop`
 * nats, so early noisy epochs of a small bound do not trip it). The reason names the bound's part
 * that moved most, so a user sees whether the decoder, the prior term or the chain gave way.
 * Returns undefined while training is healthy or tolerance is 0.
 */
export function boundCollapse(record: EpochRecord, history: readonly EpochRecord[], tolerance: number, minDrop = 50): string | undefined {
  if (tolerance === 0) return undefined;
  const now = record.train['bound'];
  if (now === undefined) return undefined;
  if (!Number.isFinite(now)) return `train bound is ${now} at epoch ${record.epoch + 1}`;
  let best: EpochRecord | undefined;
  for (const r of history) {
    if (r === record || r.phase !== record.phase) continue;
    const b = r.train['bound'];
    if (b !== undefined && Number.isFinite(b) && (best === undefined || b > best.train['bound']!)) best = r;
  }
  if (!best) return undefined;
  const top = best.train['bound']!;
  const drop = top - now;
  if (drop <= Math.max(minDrop, tolerance * Math.abs(top))) return undefined;
  const before = parts(best.train);
  const after = parts(record.train);
  let moved = '';
  if (before && after) {
    const deltas = Object.keys(before).map((k) => [k, after[k]! - before[k]!] as const).sort((a, b) => a[1] - b[1]);
    const [name, delta] = deltas[0]!;
    moved = `; the part that moved: ${name} ${delta.toFixed(1)} nats (${deltas.slice(1).map(([k, d]) => `${k} ${d >= 0 ? '+' : ''}${d.toFixed(1)}`).join(', ')})`;
  }
  return (
    `train bound collapsed from ${top.toFixed(1)} (epoch ${best.epoch + 1}) to ${now.toFixed(1)} nats (epoch ${record.epoch + 1}), ` +
    `a drop of more than collapseTolerance = ${tolerance} of its size${moved}; lower the learning rate, or raise collapseTolerance (0 turns the check off)`
  );
}
