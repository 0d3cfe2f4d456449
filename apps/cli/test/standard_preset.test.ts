import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeFamilySettings } from '@ddvi/benchmarks';
import { resolveBench } from '../src/bench_config';
import { BENCH_PRESETS } from '../src/bench_presets';
import { tempDir } from './helpers';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe("the standard preset's per-prior DDVI chain", () => {
  it('gives DDVI two guided steps on the swiss roll and the square, the default chain on the pinwheel, and says so in the report', () => {
    const { config } = resolveBench({ preset: 'standard' });
    expect(config.familySettings!.ddvi!.byPrior).toEqual({
      swiss_roll: { posteriorConfig: { noising: { kind: 'linear', T: 2 }, priorGuidance: 2 } },
      square: { posteriorConfig: { noising: { kind: 'linear', T: 2 }, priorGuidance: 2 } },
    });
    const ddvi = describeFamilySettings(config).find((l) => l.startsWith('ddvi:'))!;
    expect(ddvi).toBe(
      'ddvi: beta 1, lr 0.001' +
        '; on swiss_roll: beta 1, lr 0.001, options {"noising":{"kind":"linear","T":2},"priorGuidance":2}' +
        '; on square: beta 1, lr 0.001, options {"noising":{"kind":"linear","T":2},"priorGuidance":2}',
    );
    // The other families train with the grid's settings on every prior.
    expect(describeFamilySettings(config).find((l) => l.startsWith('gaussian:'))).toBe('gaussian: beta 1, lr 0.001');
  });

  it('scales a per-prior KL warm-up with --epochs, and drops it when a --config file changes the epochs, as the per-family ones', () => {
    const file = join(tmp.dir, 'warmup.json');
    writeFileSync(file, JSON.stringify({ familySettings: { ddvi: { klWarmup: 4, byPrior: { square: { klWarmup: 6 }, pinwheel: { beta: 2 } } } } }));
    const scaled = resolveBench({ preset: 'standard', config: file, epochs: '5' }).config.familySettings!.ddvi!;
    expect(scaled.klWarmup).toBe(2);
    expect(scaled.byPrior).toEqual({ square: { klWarmup: 3 }, pinwheel: { beta: 2 } });
    const reference = { ...BENCH_PRESETS.reference!.settings, familySettings: { ddvi: { byPrior: { square: { klWarmup: 100 } } } } };
    BENCH_PRESETS['per-prior-test'] = { name: 'per-prior-test', description: 'a test preset', settings: reference };
    try {
      const epochs = join(tmp.dir, 'epochs.json');
      writeFileSync(epochs, JSON.stringify({ epochs: 10 }));
      expect(resolveBench({ preset: 'per-prior-test', config: epochs }).config.familySettings!.ddvi!.byPrior!.square!.klWarmup).toBe(0);
      expect(resolveBench({ preset: 'per-prior-test', epochs: '100' }).config.familySettings!.ddvi!.byPrior!.square!.klWarmup).toBe(50);
      // The preset's own object is never changed by a resolution.
      expect(reference.familySettings.ddvi.byPrior.square.klWarmup).toBe(100);
    } finally {
      delete BENCH_PRESETS['per-prior-test'];
    }
  });
});
