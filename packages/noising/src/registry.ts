import { ValidationError, parseConfig, suggestName, z } from '@ddvi/core';
import { GaussianDiffusion } from './gaussian_diffusion';
import { cosineSchedule } from './schedules/cosine';
import { linearSchedule } from './schedules/linear';
import { sigmoidSchedule } from './schedules/sigmoid';
import type { NoisingProcess } from './types';
import { VarianceExploding } from './variance_exploding';

/**
 * A noising process named by JSON: `kind` picks a registered factory, `T` the number of steps,
 * the rest are the factory's options. Consumers (DDVI's posterior) store this, not the process,
 * so a checkpoint can rebuild the process, a user-written one included once it is registered.
 */
export interface NoisingSpec {
  kind: string;
  T: number;
  [option: string]: unknown;
}

export interface NoisingFactory {
  kind: string;
  description: string;
  /**
   * Validates the spec before `create` sees it (build it with `noisingSpecSchema`); errors then name
   * the option, its value and what it takes, and a misspelled option gets a suggestion.
   */
  schema?: z.ZodType<NoisingSpec>;
  create(spec: NoisingSpec): NoisingProcess;
}

/** The schema of a spec `{kind, T, ...options}`; unknown options are rejected. */
export function noisingSpecSchema(kind: string, options: Record<string, z.ZodType>): z.ZodType<NoisingSpec> {
  return z.strictObject({ kind: z.literal(kind), T: z.int().min(1).describe('an integer >= 1 (the number of noising steps)'), ...options }) as unknown as z.ZodType<NoisingSpec>;
}

const SpecShape = z.looseObject({ kind: z.string().min(1).describe('a registered kind (listNoisingProcesses)') });

// On globalThis so two copies of this module (two bundles) share one table, like core's registries.
const factories: Map<string, NoisingFactory> = ((globalThis as Record<symbol, unknown>)[Symbol.for('ddvi.noisingProcesses')] ??=
  new Map()) as Map<string, NoisingFactory>;

/** Makes `createNoisingProcess({ kind, T, ... })` build your process (replaces an entry of the same kind). */
export function registerNoisingProcess(factory: NoisingFactory): void {
  if (!factory || typeof factory.kind !== 'string' || factory.kind === '' || typeof factory.create !== 'function') {
    throw new ValidationError('registerNoisingProcess: factory needs a non-empty string `kind` and a `create(spec)` function');
  }
  factories.set(factory.kind, factory);
}

export function listNoisingProcesses(): { kind: string; description: string }[] {
  return [...factories.values()].map(({ kind, description }) => ({ kind, description })).sort((a, b) => a.kind.localeCompare(b.kind));
}

export function createNoisingProcess(spec: NoisingSpec): NoisingProcess {
  parseConfig(SpecShape, spec, 'createNoisingProcess: spec');
  const factory = factories.get(spec.kind);
  if (!factory) {
    const kinds = listNoisingProcesses().map((f) => f.kind);
    const guess = suggestName(spec.kind, kinds);
    throw new ValidationError(
      `createNoisingProcess: unknown kind ${JSON.stringify(spec.kind)}${guess ? `; did you mean ${JSON.stringify(guess)}?` : ''} ` +
        `(registered: ${kinds.join(', ')}; registerNoisingProcess adds one)`,
    );
  }
  return factory.create(factory.schema ? parseConfig(factory.schema, spec, `noising process "${spec.kind}"`) : spec);
}

const option = z.number().optional();

/** The spec's options other than kind and T, for a factory whose schema has checked them. */
function options<K extends string>(spec: NoisingSpec): Partial<Record<K, number>> {
  const { kind: _kind, T: _T, ...rest } = spec;
  return rest as Partial<Record<K, number>>;
}

registerNoisingProcess({
  kind: 'linear',
  description: 'variance-preserving Gaussian diffusion, beta = linspace(start, end, T) (the paper; defaults 1e-4, 0.02)',
  schema: noisingSpecSchema('linear', { start: option, end: option }),
  create: (s) => new GaussianDiffusion(linearSchedule(s.T, options<'start' | 'end'>(s))),
});
registerNoisingProcess({
  kind: 'cosine',
  description: 'variance-preserving Gaussian diffusion, cosine schedule (Nichol & Dhariwal 2021)',
  schema: noisingSpecSchema('cosine', { s: option, maxBeta: option }),
  create: (s) => new GaussianDiffusion(cosineSchedule(s.T, options<'s' | 'maxBeta'>(s))),
});
registerNoisingProcess({
  kind: 'sigmoid',
  description: 'variance-preserving Gaussian diffusion, sigmoid schedule',
  schema: noisingSpecSchema('sigmoid', { start: option, end: option, range: option }),
  create: (s) => new GaussianDiffusion(sigmoidSchedule(s.T, options<'start' | 'end' | 'range'>(s))),
});
registerNoisingProcess({
  kind: 'variance-exploding',
  description: 'variance exploding, geometric noise scales sigmaMin..sigmaMax (defaults 0.01, 1)',
  schema: noisingSpecSchema('variance-exploding', { sigmaMin: option, sigmaMax: option }),
  create: (s) => {
    const o = options<'sigmaMin' | 'sigmaMax'>(s);
    return VarianceExploding.geometric(s.T, o.sigmaMin, o.sigmaMax);
  },
});
