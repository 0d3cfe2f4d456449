import * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from './errors';
import { base64ToBytes, bytesToBase64 } from './base64';
import type { SerializedTensor } from './types/serialized';

/** Where a serialized tensor made here keeps its bytes: a binary checkpoint writes them as they are. */
const BYTES = Symbol('ddvi.serializedTensorBytes');

export function serializeTensor(t: tf.Tensor): SerializedTensor {
  const dtype = t.dtype === 'int32' ? 'int32' : 'float32';
  const values = t.dataSync();
  const typed = dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
  return serializedFromBytes([...t.shape], dtype, new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength));
}

/**
 * A serialized tensor over little-endian `bytes` (kept, not copied). Its base64 `data` is made on
 * its first read (JSON.stringify, a spread, structured clone read it as any property): a binary
 * checkpoint never reads it, and base64 of a model's weights and Adam's moments was a fifth of a
 * JSON checkpoint's cost.
 */
export function serializedFromBytes(shape: number[], dtype: SerializedTensor['dtype'], bytes: Uint8Array): SerializedTensor {
  let text: string | undefined;
  const s = { shape, dtype } as SerializedTensor;
  Object.defineProperty(s, 'data', { enumerable: true, get: () => (text ??= bytesToBase64(bytes)) });
  Object.defineProperty(s, BYTES, { value: bytes });
  return s;
}

/** The tensor's little-endian bytes: those it was made over, else its base64 decoded (a fresh copy). Callers must not write to them. */
export function serializedBytes(s: SerializedTensor): Uint8Array {
  return (s as SerializedTensor & { [BYTES]?: Uint8Array })[BYTES] ?? base64ToBytes(s.data);
}

export function deserializeTensor(s: SerializedTensor, where = 'tensor'): tf.Tensor {
  // An aligned copy of its own (a constructor copy: a Node Buffer's slice is a view): the cpu backend keeps the array it is given.
  const bytes = new Uint8Array(serializedBytes(s));
  const n = s.shape.reduce((a, b) => a * b, 1);
  if (bytes.byteLength !== n * 4) {
    throw new ValidationError(`${where}: expected ${n * 4} bytes for shape [${s.shape.join(', ')}], got ${bytes.byteLength}`);
  }
  const copy = bytes.buffer;
  const values = s.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy);
  return tf.tensor(values, s.shape, s.dtype);
}

export function serializeVariables(vars: Record<string, tf.Variable>): Record<string, SerializedTensor> {
  const out: Record<string, SerializedTensor> = {};
  for (const [name, v] of Object.entries(vars)) out[name] = serializeTensor(v);
  return out;
}

/** Assigns saved weights to existing variables; names and shapes must match exactly. */
export function assignVariables(where: string, vars: Record<string, tf.Variable>, weights: Record<string, SerializedTensor>): void {
  const missing = Object.keys(vars).filter((k) => !(k in weights));
  const extra = Object.keys(weights).filter((k) => !(k in vars));
  if (missing.length || extra.length) {
    throw new ValidationError(
      `${where}: checkpoint weights do not match the architecture` +
        (missing.length ? `; missing: ${missing.join(', ')}` : '') +
        (extra.length ? `; unexpected: ${extra.join(', ')}` : ''),
    );
  }
  for (const [name, v] of Object.entries(vars)) {
    const s = weights[name]!;
    if (s.shape.length !== v.shape.length || s.shape.some((d, i) => d !== v.shape[i])) {
      throw new ValidationError(`${where}: weight ${name} must have shape [${v.shape.join(', ')}], checkpoint has [${s.shape.join(', ')}]`);
    }
    const t = deserializeTensor(s, `${where}.${name}`);
    v.assign(t);
    t.dispose();
  }
}
