import { ValidationError } from '@ddvi/core';
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
  create(spec: NoisingSpec): NoisingProcess;
}

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
  if (spec === null || typeof spec !== 'object' || typeof spec.kind !== 'string') {
    throw new ValidationError(`createNoisingProcess: spec must be an object { kind: string, T: number, ... }, got ${JSON.stringify(spec)}`);
  }
  const factory = factories.get(spec.kind);
  if (!factory) {
    throw new ValidationError(
      `createNoisingProcess: unknown kind ${JSON.stringify(spec.kind)}; registered: ${listNoisingProcesses().map((f) => f.kind).join(', ')} (registerNoisingProcess adds one)`,
    );
  }
  return factory.create(spec);
}

function options<K extends string>(spec: NoisingSpec, allowed: readonly K[]): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const [k, v] of Object.entries(spec)) {
    if (k === 'kind' || k === 'T') continue;
    if (!(allowed as readonly string[]).includes(k)) {
      throw new ValidationError(`createNoisingProcess(${spec.kind}): unknown option ${JSON.stringify(k)}; known: T, ${allowed.join(', ')}`);
    }
    if (typeof v !== 'number') throw new ValidationError(`createNoisingProcess(${spec.kind}): option ${k} must be a number, got ${JSON.stringify(v)}`);
    out[k as K] = v;
  }
  return out;
}

registerNoisingProcess({
  kind: 'linear',
  description: 'variance-preserving Gaussian diffusion, beta = linspace(start, end, T) (the paper; defaults 1e-4, 0.02)',
  create: (s) => new GaussianDiffusion(linearSchedule(s.T, options(s, ['start', 'end'] as const))),
});
registerNoisingProcess({
  kind: 'cosine',
  description: 'variance-preserving Gaussian diffusion, cosine schedule (Nichol & Dhariwal 2021)',
  create: (s) => new GaussianDiffusion(cosineSchedule(s.T, options(s, ['s', 'maxBeta'] as const))),
});
registerNoisingProcess({
  kind: 'sigmoid',
  description: 'variance-preserving Gaussian diffusion, sigmoid schedule',
  create: (s) => new GaussianDiffusion(sigmoidSchedule(s.T, options(s, ['start', 'end', 'range'] as const))),
});
registerNoisingProcess({
  kind: 'variance-exploding',
  description: 'variance exploding, geometric noise scales sigmaMin..sigmaMax (defaults 0.01, 1)',
  create: (s) => {
    const o = options(s, ['sigmaMin', 'sigmaMax'] as const);
    return VarianceExploding.geometric(s.T, o.sigmaMin, o.sigmaMax);
  },
});
