import type * as tf from '@tensorflow/tfjs-core';
import type { SeedStream } from '../random/seed_stream';
import type { Distribution } from './distribution';
import type { AuxiliaryLoss } from './posterior';
import type { SerializedModule } from './serialized';

export interface ForwardOptions {
  /** Dropout and other train-only behaviour is on when true. */
  training: boolean;
  seed: SeedStream;
}

/**
 * A latent-variable model p(x, z) = p(z) p(x | z): the generative half that every posterior family
 * is paired with. Semi-supervised models take an optional label for a class-conditional prior.
 */
export interface Model {
  readonly kind: string;
  /** d: z has shape [batch, latentSize]. */
  readonly latentSize: number;
  /** D: x has shape [batch, dataSize] (images are flattened). */
  readonly dataSize: number;
  /** p(z) (event shape [d]); with a label, p(z | label) where the model supports it. */
  prior(label?: tf.Tensor1D): Distribution;
  /** p(x | z): batch shape [batch], event shape [dataSize]. */
  likelihood(z: tf.Tensor2D, options: ForwardOptions): Distribution;
  /**
   * Extra training losses of the model itself (e.g. a learned clustering prior's separation
   * penalty); variables are named as in namedVariables, and the trainer runs them after the
   * posterior's. Optional: most models train on the bound alone.
   */
  auxiliaryLosses?(): AuxiliaryLoss[];
  /** Trainable variables, keyed by a stable name used in checkpoints and optimizer state. */
  namedVariables(): Record<string, tf.Variable>;
  toJSON(): SerializedModule;
  dispose(): void;
}
