import type { BenchConfig, TrainingSettings } from './config';

/** What one family trains with in a grid: the grid's settings with the family's own over them. */
export interface EffectiveSettings {
  posteriorConfig: Record<string, unknown>;
  beta: number;
  klWarmup: number;
  learningRate: number;
  /** Global gradient-norm clipping (undefined: none). */
  clipNorm: number | undefined;
}

/**
 * The settings a family's cells train with: the grid's, the family's own over them, then the
 * family's on the cell's prior (`byPrior`) over those; posterior options merge key by key. A
 * comparison is fair when every family gets the same weights or each its own tuned ones;
 * `familySettings` is where a grid says which, and the report prints this for every family.
 */
export function familySettings(config: BenchConfig, family: string, prior?: string): EffectiveSettings {
  const { byPrior, ...own } = config.familySettings?.[family] ?? {};
  const onPrior: TrainingSettings = (prior !== undefined ? byPrior?.[prior] : undefined) ?? {};
  return {
    posteriorConfig: {
      ...config.posteriorConfig, ...(own.posteriorConfig ?? {}), ...(onPrior.posteriorConfig ?? {}),
      ...(config.hidden ? { hidden: config.hidden } : {}),
    },
    beta: onPrior.beta ?? own.beta ?? config.beta,
    klWarmup: onPrior.klWarmup ?? own.klWarmup ?? config.klWarmup,
    learningRate: onPrior.learningRate ?? own.learningRate ?? config.learningRate,
    clipNorm: onPrior.clipNorm ?? own.clipNorm,
  };
}

/** One line per family: its weights, as the report states them, and on each prior of the grid with its own settings, what changes there. */
export function describeFamilySettings(config: BenchConfig): string[] {
  return config.families.map((family) => {
    const line = describe(familySettings(config, family));
    const byPrior = config.familySettings?.[family]?.byPrior ?? {};
    const priors = config.priors.filter((p) => byPrior[p] !== undefined);
    const onPriors = priors.map((p) => `; on ${p}: ${describe(familySettings(config, family, p))}`).join('');
    return `${family}: ${line}${onPriors}`;
  });
}

function describe(s: EffectiveSettings): string {
  const { hidden: _hidden, ...options } = s.posteriorConfig;
  const opts = Object.keys(options).length ? `, options ${JSON.stringify(options)}` : '';
  return `beta ${s.beta}${s.klWarmup ? ` (warm-up ${s.klWarmup} epochs)` : ''}, lr ${s.learningRate}${s.clipNorm ? `, gradient norm clipped at ${s.clipNorm}` : ''}${opts}`;
}
