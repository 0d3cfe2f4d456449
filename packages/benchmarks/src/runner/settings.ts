import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError, writeFileAtomic } from '@ddvi/core';
import type { BenchConfig } from './config';

export const SETTINGS_FILE = 'settings.json';

/**
 * The settings every cell's numbers depend on (all but the grid's axes), kept in `<out>/settings.json`:
 * a rerun into the same folder with other settings would mix incomparable cells, so it is refused.
 */
export async function checkSettings(out: string, config: BenchConfig): Promise<void> {
  const { families: _f, priors: _p, seeds: _s, datasets: _d, baselines: _b, ...settings } = config;
  const path = join(out, SETTINGS_FILE);
  if (existsSync(path)) {
    let saved: Record<string, unknown>;
    try {
      saved = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new ValidationError(`${path}: cannot read the settings of the earlier run (${(e as Error).message}); remove it or choose another output folder`);
    }
    const keys = [...new Set([...Object.keys(saved), ...Object.keys(settings)])];
    const differ = keys.filter((k) => JSON.stringify(saved[k]) !== JSON.stringify((settings as Record<string, unknown>)[k]));
    if (differ.length > 0) {
      throw new ValidationError(
        `${out} holds cells of a run with other settings (${differ.map((k) => `${k}: ${JSON.stringify(saved[k])} there, ${JSON.stringify((settings as Record<string, unknown>)[k])} now`).join('; ')}); ` +
          'choose another output folder or remove it',
      );
    }
    return;
  }
  await writeFileAtomic(path, `${JSON.stringify(settings, null, 2)}\n`);
}
