import { ValidationError } from './errors';
import type { Posterior, PosteriorContext, PosteriorInit } from './types/posterior';
import type { SerializedModule } from './types/serialized';

/**
 * Families register themselves by name; the CLI, benchmarks and playground build posteriors only
 * through this table, so a new family appears everywhere once its package is imported.
 */
export interface PosteriorFamily<C = Record<string, unknown>> {
  family: string;
  description: string;
  create(init: PosteriorInit<C>): Posterior;
  /** Rebuilds a saved posterior; `context.prior` is the model's prior, as `PosteriorInit.prior`. */
  fromJSON(state: SerializedModule, context?: PosteriorContext): Posterior;
  /**
   * The family builds another registered family inside it (the semi-supervised wrapper `semi`):
   * not a posterior family of its own, so `listPosteriors({ wrappers: false })` leaves it out.
   */
  wrapper?: boolean;
  /** The family's own semi-supervised form, when it has one (see `SemiSupervisedForm`). */
  semiSupervised?: SemiSupervisedForm;
}

/**
 * The config keys that turn on a family's own semi-supervised form with K classes (DDVI:
 * `{ classes: K }`; the AAE: `{ semiSupervised: true, numClasses: K }`), merged over the user's
 * config. Families without one get the shared wrapper (`@ddvi/posterior-semi`) when they have a
 * density.
 */
export type SemiSupervisedForm = (classes: number) => Record<string, unknown>;

// Keyed on globalThis so that two copies of this module (two bundles, two install paths) still
// share one table, as tfjs does with its kernel registry.
const families: Map<string, PosteriorFamily<never>> = ((globalThis as Record<symbol, unknown>)[Symbol.for('ddvi.posteriorFamilies')] ??= new Map()) as Map<string, PosteriorFamily<never>>;

// Semi-supervised forms declared apart from a family's registration (by name, before or after it).
const semiForms: Map<string, SemiSupervisedForm> = ((globalThis as Record<symbol, unknown>)[Symbol.for('ddvi.semiSupervisedForms')] ??= new Map()) as Map<string, SemiSupervisedForm>;

export function registerPosterior<C>(entry: PosteriorFamily<C>): void {
  families.set(entry.family, entry as unknown as PosteriorFamily<never>);
}

/** Registered family names, sorted; `{ wrappers: false }` leaves out wrappers such as `semi`. */
export function listPosteriors(options: { wrappers?: boolean } = {}): string[] {
  const keep = options.wrappers ?? true;
  return [...families.values()].filter((f) => keep || !f.wrapper).map((f) => f.family).sort();
}

/**
 * Declares the semi-supervised form of a family by name, for a family whose registration does not
 * carry one itself (its `semiSupervised` field wins when both exist).
 */
export function registerSemiSupervisedForm(family: string, form: SemiSupervisedForm): void {
  semiForms.set(family, form);
}

/** The family's own semi-supervised form, or undefined when it has none. */
export function semiSupervisedForm(family: string): SemiSupervisedForm | undefined {
  return getPosteriorFamily(family).semiSupervised ?? semiForms.get(family);
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

export function posteriorFromJSON(state: SerializedModule, context?: PosteriorContext): Posterior {
  return getPosteriorFamily(state.kind).fromJSON(state, context);
}

/**
 * A family has no semi-supervised form (no form of its own, and no density for the shared wrapper):
 * benchmarks report its cells as n/a rather than failing the grid.
 */
export class NoSemiSupervisedFormError extends ValidationError {}

/** The family `@ddvi/posterior-semi` registers: the shared semi-supervised wrapper. */
export const SEMI_WRAPPER = 'semi';

/** Which registered family, with which config, is the semi-supervised form of a family. */
export interface SemiSupervisedSpec {
  family: string;
  config: Record<string, unknown>;
  /** 'own': the family's own form; 'wrapper': the shared wrapper around it. */
  form: 'own' | 'wrapper';
}

/**
 * The semi-supervised form of `family` with `classes` classes: its own (its config with the form's
 * keys merged over it) when it declares one, else the shared wrapper `semi` around it (which
 * refuses, with a ValidationError, a family without a density). `wrapperOptions` are the wrapper's
 * own options (classWeight, classifierHidden, ...).
 */
export function semiSupervisedSpec(
  family: string,
  config: Record<string, unknown>,
  classes: number,
  wrapperOptions: Record<string, unknown> = {},
): SemiSupervisedSpec {
  const own = semiSupervisedForm(family);
  if (own) return { family, config: { ...config, ...own(classes) }, form: 'own' };
  if (!families.has(SEMI_WRAPPER)) {
    throw new ValidationError(
      `family ${JSON.stringify(family)} has no semi-supervised form of its own, and the shared wrapper ${JSON.stringify(SEMI_WRAPPER)} is not registered (import @ddvi/posterior-semi)`,
    );
  }
  return { family: SEMI_WRAPPER, config: { ...wrapperOptions, family, config, classes }, form: 'wrapper' };
}
