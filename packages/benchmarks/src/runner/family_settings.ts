import type { BenchConfig } from './config';

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
 * The settings a family's cells train with. A comparison is fair when every family gets the same
 * weights or each its own tuned ones; `familySettings` is where a grid says which, and the report
 * prints this for every family.
 */
export function familySettings(config: BenchConfig, family: string): EffectiveSettings {
  const own = config.familySettings?.[family] ?? {};
  return {
    posteriorConfig: { ...config.posteriorConfig, ...(own.posteriorConfig ?? {}), ...(config.hidden ? { hidden: config.hidden } : {}) },
    beta: own.beta ?? config.beta,
    klWarmup: own.klWarmup ?? config.klWarmup,
    learningRate: own.learningRate ?? config.learningRate,
    clipNorm: own.clipNorm,
  };
}

/** One line per family: its weights, as the report states them. */
export function describeFamilySettings(config: BenchConfig): string[] {
  return config.families.map((family) => {
    const s = familySettings(config, family);
    const { hidden: _hidden, ...options } = s.posteriorConfig;
    const opts = Object.keys(options).length ? `, options ${JSON.stringify(options)}` : '';
    return `${family}: beta ${s.beta}${s.klWarmup ? ` (warm-up ${s.klWarmup} epochs)` : ''}, lr ${s.learningRate}${s.clipNorm ? `, gradient norm clipped at ${s.clipNorm}` : ''}${opts}`;
  });
}
