import { createPrior } from '@ddvi/distributions';

/** A prior that can stand in a smoothed, everywhere-positive version of itself for training. */
interface Smoothable {
  smoothed(): { options: Record<string, unknown> };
}

function isSmoothable(p: object): p is Smoothable {
  return typeof (p as Partial<Smoothable>).smoothed === 'function';
}

/**
 * Options that make a named prior usable in a training loss, or undefined when it already is.
 * The square's exact density is 0 off its edges' slabs (beyond the corners), so log p(z) = -inf
 * for any latent that lands there and the bound and its gradient break; the bench trains (and
 * scores the latent NLL) against `smoothed()` instead: the same square with along-edge noise equal
 * to its perpendicular noise. Any prior offering `smoothed()` gets the same treatment, so no
 * prior is named here.
 */
export function trainingPriorOptions(name: string): Record<string, unknown> | undefined {
  const prior = createPrior(name);
  try {
    return isSmoothable(prior) ? { ...prior.smoothed().options } : undefined;
  } finally {
    prior.dispose();
  }
}
