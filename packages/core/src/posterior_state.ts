import { ValidationError } from './errors';
import { assignVariables, serializeVariables } from './serialize';
import type { Posterior } from './types/posterior';
import type { SerializedModule } from './types/serialized';

/** What every family's checkpoint records besides weights: enough to rebuild the architecture. */
export interface PosteriorState<C> {
  latentSize: number;
  dataSize: number;
  seed: number;
  options: C;
}

/** A family's `toJSON`: its sizes, seed and resolved options, plus its weights by stable name. */
export function posteriorToJSON<C>(posterior: Posterior, seed: number, options: C): SerializedModule {
  return {
    kind: posterior.family,
    config: { latentSize: posterior.latentSize, dataSize: posterior.dataSize, seed, options: JSON.parse(JSON.stringify(options)) },
    weights: serializeVariables(posterior.namedVariables()),
  };
}

/**
 * A family's `fromJSON`: checks the kind, rebuilds the posterior from its recorded state and
 * assigns the saved weights (names and shapes must match), disposing it if they do not.
 */
export function posteriorFromState<C, P extends Posterior>(
  family: string,
  state: SerializedModule,
  build: (s: PosteriorState<C>) => P,
): P {
  if (state.kind !== family) {
    throw new ValidationError(`${family} posterior fromJSON: kind must be ${JSON.stringify(family)}, got ${JSON.stringify(state.kind)}`);
  }
  const q = build(state.config as unknown as PosteriorState<C>);
  try {
    assignVariables(`${family} posterior`, q.namedVariables(), state.weights);
  } catch (e) {
    q.dispose();
    throw e;
  }
  return q;
}
