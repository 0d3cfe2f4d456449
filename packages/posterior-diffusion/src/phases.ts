import type { PhaseSpec } from '@ddvi/core';
import type { DdviPosteriorConfig } from './config';

/**
 * The staged schedule of spec §4.3 / D8 as trainer phases: 'prior-pretrain' trains nothing through
 * the bound, so only the sleep term runs (the reference's prior-diffusion pretraining);
 * 'frozen-decoder' trains the posterior with the model fixed (the reference's first 30 epochs of
 * stage 2); 'joint' trains everything. Phases with a zero fraction are left out.
 */
export function ddviPhases(config: Pick<DdviPosteriorConfig, 'priorPretrain' | 'frozenDecoder'>): PhaseSpec[] {
  const { priorPretrain, frozenDecoder } = config;
  const phases: PhaseSpec[] = [];
  if (priorPretrain > 0) phases.push({ name: 'prior-pretrain', epochs: { fraction: priorPretrain }, trainable: () => false });
  if (frozenDecoder > 0) {
    phases.push({ name: 'frozen-decoder', epochs: { fraction: frozenDecoder }, trainable: (k) => k.startsWith('posterior/') });
  }
  phases.push({ name: 'joint', epochs: { fraction: 1 - priorPretrain - frozenDecoder }, trainable: () => true });
  return phases;
}
