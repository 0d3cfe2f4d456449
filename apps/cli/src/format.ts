/** Number and duration formatting shared by progress lines, tables and reports. */

/** A loss term for a one-line display: 2 decimals, or exponent notation for very large values. */
export function num(v: number | undefined, digits = 2): string {
  if (v === undefined) return '-';
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e6 ? v.toExponential(digits) : v.toFixed(digits);
}

/** Seconds as "42s", "3m07s", "2h05m". */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** The terms most worth showing first; any other term follows in name order. */
const ORDER = ['bound', 'reconstruction', 'kl'];
const SHORT: Record<string, string> = { reconstruction: 'rec' };

/** "bound -180.21 rec -175.03 kl 5.18" (the optimizer's `loss` is left out: it repeats the bound, weighted). */
export function terms(values: Record<string, number> | undefined, short = true): string {
  if (!values) return '-';
  const names = Object.keys(values).filter((k) => k !== 'loss');
  names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return names.map((k) => `${short ? (SHORT[k] ?? k) : k} ${num(values[k])}`).join(' ');
}

function rank(name: string): number {
  const i = ORDER.indexOf(name);
  return i < 0 ? ORDER.length : i;
}
