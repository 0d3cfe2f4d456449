import { distance } from 'fastest-levenshtein';

/**
 * The known name closest to a misspelled one, if it is close enough to be what was meant: at most
 * a third of the longer name's letters (and at least 2) differ, ignoring case. Undefined otherwise,
 * so "did you mean" is never a random guess.
 */
export function suggestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = distance(name.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(Math.max(name.length, best.length) / 3));
  return bestDistance <= limit ? best : undefined;
}
