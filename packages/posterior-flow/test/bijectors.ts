import type { Bijector } from '../src';
import { AffineCoupling, Chain, IAFStep, MAFStep, Permute } from '../src';

/** One of each bijector for size d, context size c (0: unconditional), built from a seed. */
export type BijectorKind = 'permute' | 'reverse' | 'coupling' | 'iaf' | 'maf' | 'chain';

export function makeBijectors(d: number, c: number, seed: number): Record<BijectorKind, Bijector> {
  const perm = Array.from({ length: d }, (_, i) => (i * 3 + seed) % d);
  const unique = new Set(perm).size === d ? perm : Array.from({ length: d }, (_, i) => d - 1 - i);
  const mask = Array.from({ length: d }, (_, j) => (j % 2 === seed % 2 ? 1 : 0));
  if (!mask.includes(0)) mask[d - 1] = 0;
  return {
    permute: new Permute(unique),
    reverse: Permute.reverse(d),
    coupling: new AffineCoupling({ size: d, mask, hidden: [12, 12], contextSize: c, seed, scaleBound: 2 }),
    iaf: new IAFStep({ size: d, hidden: [12, 12], contextSize: c, ordering: 'random', seed }),
    maf: new MAFStep({ size: d, hidden: [12, 12], contextSize: c, ordering: 'random', seed }),
    chain: new Chain([
      new MAFStep({ size: d, hidden: [8], contextSize: c, seed: seed + 1 }),
      Permute.reverse(d),
      new AffineCoupling({ size: d, mask, hidden: [8], contextSize: c, seed: seed + 2 }),
      new IAFStep({ size: d, hidden: [8], contextSize: c, seed: seed + 3 }),
    ]),
  };
}
