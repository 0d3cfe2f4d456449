import * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from '@ddvi/core';
import type { Constraint } from '../constraints';

/** A parameter as users give it: a tensor (kept as is when float32, so gradients reach it) or plain numbers. */
export type ParamInput = tf.Tensor | number | number[] | number[][] | number[][][];

/** Options every distribution constructor takes. */
export interface DistributionOptions {
  /**
   * Check parameter values against their constraints at construction (default true). This
   * downloads each parameter once (a host sync): pass false for network outputs in training loops.
   * Shape checks are free and always run.
   */
  validateArgs?: boolean;
}

/**
 * Converts a parameter to a float32 tensor. Returns whether the tensor was created here (and so is
 * owned, and disposed, by the distribution) or is the caller's own tensor.
 */
export function toParam(where: string, param: string, x: ParamInput): { tensor: tf.Tensor; created: boolean } {
  if (x instanceof tf.Tensor) {
    if (x.isDisposed) throw new ValidationError(`${where}: ${param} must be a live tensor, got a disposed tensor`);
    if (x.dtype === 'float32') return { tensor: x, created: false };
    if (x.dtype !== 'int32' && x.dtype !== 'bool') {
      throw new ValidationError(`${where}: ${param} must be a numeric tensor, got dtype ${x.dtype}`);
    }
    return { tensor: tf.cast(x, 'float32'), created: true };
  }
  if (typeof x !== 'number' && !Array.isArray(x)) {
    throw new ValidationError(`${where}: ${param} must be a number, an array of numbers or a tensor, got ${typeof x}`);
  }
  try {
    return { tensor: tf.tensor(x, undefined, 'float32'), created: true };
  } catch (e) {
    throw new ValidationError(`${where}: ${param} must be a number or a rectangular array of numbers (${(e as Error).message})`);
  }
}

/** Broadcast shape of several named shapes, or a ValidationError naming them all. */
export function broadcastShapes(where: string, named: Record<string, readonly number[]>): number[] {
  const entries = Object.entries(named);
  const rank = Math.max(0, ...entries.map(([, s]) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const [, s] of entries) {
      const v = s[s.length - rank + i] ?? 1;
      if (v === 1) continue;
      if (d !== 1 && d !== v) {
        const names = entries.map(([n]) => n);
        const list = `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
        const got = entries.map(([n, sh]) => `${n} [${sh.join(', ')}]`).join(', ');
        throw new ValidationError(`${where}: ${list} must have broadcastable shapes, got ${got}`);
      }
      d = v;
    }
    out.push(d);
  }
  return out;
}

/** Row-major flat index -> "3" for vectors, "[1, 0]" otherwise. */
export function formatIndex(flat: number, shape: readonly number[]): string {
  if (shape.length <= 1) return String(flat);
  const idx: number[] = [];
  let r = flat;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    idx.unshift(r % d);
    r = Math.floor(r / d);
  }
  return `[${idx.join(', ')}]`;
}

/**
 * Host-side check of every entry (one download): throws e.g.
 * "DiagNormal: scale must be finite and > 0 everywhere, got -1 at index 3".
 */
export function checkConstraint(where: string, param: string, x: tf.Tensor, c: Constraint): void {
  const values = x.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!c.check(v)) {
      throw new ValidationError(`${where}: ${param} must be ${c.expected} everywhere, got ${v} at index ${formatIndex(i, x.shape)}`);
    }
  }
}

/** Throws unless x has at least `rank` dimensions (the event dims). */
export function checkMinRank(where: string, param: string, shape: readonly number[], rank: number, why: string): void {
  if (shape.length < rank) {
    throw new ValidationError(`${where}: ${param} must have at least ${rank} dimension(s) (${why}), got shape [${shape.join(', ')}]`);
  }
}
