/** JSON-safe values, for configs and checkpoints. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A tensor as it sits in a checkpoint: little-endian float32 bytes, base64-encoded. */
export interface SerializedTensor {
  shape: number[];
  dtype: 'float32' | 'int32';
  data: string;
}

/** A trainable module (model, posterior) as written to a checkpoint. */
export interface SerializedModule {
  /** Registry key that rebuilds it, e.g. the posterior family or the model kind. */
  kind: string;
  /** The full config it was built from (enough to rebuild the architecture). */
  config: { [key: string]: JsonValue };
  weights: Record<string, SerializedTensor>;
}
