import { ValidationError } from './errors';
import type { Posterior, PosteriorInit } from './types/posterior';
import type { SerializedModule } from './types/serialized';

/**
 * Families register themselves by name; the CLI, benchmarks and playground build posteriors only
 * through this table, so a new family appears everywhere once its package is imported.
 */
export interface PosteriorFamily<C = Record<string, unknown>> {
  family: string;
  description: string;
  create(init: PosteriorInit<C>): Posterior;
  fromJSON(state: SerializedModule): Posterior;
}

// Keyed on globalThis so that two copies of this module (two bundles, two install paths) still
// share one table, as tfjs does with its kernel registry.
const families: Map<string, PosteriorFamily<never>> = ((globalThis as Record<symbol, unknown>)[Symbol.for('ddvi.posteriorFamilies')] ??= new Map()) as Map<string, PosteriorFamily<never>>;

export function registerPosterior<C>(entry: PosteriorFamily<C>): void {
  families.set(entry.family, entry as unknown as PosteriorFamily<never>);
}

export function listPosteriors(): string[] {
  return [...families.keys()].sort();
}

export function getPosteriorFamily(family: string): PosteriorFamily<Record<string, unknown>> {
  const entry = families.get(family);
  if (!entry) {
    const known = listPosteriors();
    throw new ValidationError(
      `unknown posterior family ${JSON.stringify(family)}; registered families: ${known.length ? known.join(', ') : '(none: import a @ddvi/posterior-* package)'}` +
        '; a family registers when its package is imported (the ddvi command: --require <package name or path>)',
    );
  }
  return entry as unknown as PosteriorFamily<Record<string, unknown>>;
}

export function createPosterior(family: string, init: PosteriorInit): Posterior {
  return getPosteriorFamily(family).create(init);
}

export function posteriorFromJSON(state: SerializedModule): Posterior {
  return getPosteriorFamily(state.kind).fromJSON(state);
}
