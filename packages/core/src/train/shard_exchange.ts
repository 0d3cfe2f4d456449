import * as tf from '@tensorflow/tfjs-core';
import type { SeedStream } from '../random/seed_stream';

/** One worker's part in data-parallel training (see `DataParallelTrainer`). */
export interface ShardHooks {
  index: number;
  count: number;
  /**
   * Called once per update with this shard's values weighted by its share of the batch, in one
   * fixed layout (loss, the terms in key order, then each gradient in key order); returns the sum
   * over all shards in the same layout, added in shard order so every shard gets identical numbers.
   */
  reduce: (values: Float32Array) => Float32Array;
}

/** A loss, its named terms and its gradients by qualified variable name. */
export interface UpdateValues {
  loss: tf.Scalar;
  terms: Record<string, tf.Scalar>;
  grads: Record<string, tf.Tensor>;
}

/**
 * How the trainer's process takes part in each step. Alone (a plain `Trainer`): the whole batch,
 * the step's own seed, its own gradients. As a shard of a data-parallel run: see `shardExchange`.
 */
export interface StepExchange {
  /** The part of the batch's rows this process computes. */
  rows(batch: Int32Array): Int32Array;
  /** The seed this process draws the step's noise from. */
  seed(step: SeedStream): SeedStream;
  /** The batch-wide values from this process's; takes ownership of `own` (disposes or returns it). */
  combine(own: UpdateValues, share: number): UpdateValues;
}

export const ALONE: StepExchange = { rows: (batch) => batch, seed: (step) => step, combine: (own) => own };

/**
 * Shard `index` of `count`: near-equal contiguous parts of every batch; shards draw different
 * noise for their examples (one shard keeps the plain stream); each update's loss, terms and
 * gradients, weighted by the shard's share of the batch, are summed over the shards.
 */
export function shardExchange(shard: ShardHooks): StepExchange {
  return {
    rows: (batch) => {
      const lo = Math.floor((shard.index * batch.length) / shard.count);
      const hi = Math.floor(((shard.index + 1) * batch.length) / shard.count);
      return batch.subarray(lo, hi);
    },
    seed: (step) => (shard.count > 1 ? step.fork(`shard:${shard.index}`) : step),
    combine: (own, share) => {
      const reduced = reduceAcrossShards(shard, share, own);
      tf.dispose([own.loss, ...Object.values(own.terms), ...Object.values(own.grads)]);
      return reduced;
    },
  };
}

/**
 * Packs this shard's loss, terms and gradients (each times `weight`) into one array, sums it over
 * the shards with `shard.reduce`, and unpacks the batch-wide values as fresh tensors.
 */
function reduceAcrossShards(shard: ShardHooks, weight: number, own: UpdateValues): UpdateValues {
  const { loss, terms, grads } = own;
  const termNames = Object.keys(terms).sort();
  const gradNames = Object.keys(grads).sort();
  const parts = [loss, ...termNames.map((k) => terms[k]!), ...gradNames.map((k) => grads[k]!)];
  const packed = tf.tidy(() => tf.mul(tf.concat(parts.map((t) => tf.reshape(t, [-1]))), weight));
  const local = packed.dataSync() as Float32Array;
  packed.dispose();
  const sum = shard.reduce(local);
  let at = 0;
  const take = (shape: number[]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const t = tf.tensor(sum.subarray(at, at + size), shape, 'float32');
    at += size;
    return t;
  };
  const out: UpdateValues = { loss: take([]) as tf.Scalar, terms: {}, grads: {} };
  for (const k of termNames) out.terms[k] = take([]) as tf.Scalar;
  for (const k of gradNames) out.grads[k] = take(grads[k]!.shape);
  return out;
}
