import * as tf from '@tensorflow/tfjs-core';
import { SeedStream } from '../random/seed_stream';
import type { Dataset } from '../types/dataset';
import type { Model } from '../types/model';
import type { Objective } from '../types/objective';
import type { Posterior } from '../types/posterior';

export interface EvaluateOptions {
  batchSize?: number;
  /** Evaluation draws from this seed, so every evaluation of a run sees the same noise. */
  seed: number;
  /** Evaluate on the first `limit` examples only. */
  limit?: number;
}

/** Dataset-mean of an objective's terms (training off: no dropout), in the objective's units. */
export function evaluate(
  model: Model,
  posterior: Posterior,
  objective: Objective,
  data: Dataset,
  options: EvaluateOptions,
): Record<string, number> {
  const batchSize = options.batchSize ?? 500;
  const n = Math.min(options.limit ?? data.size, data.size);
  const root = new SeedStream(options.seed >>> 0).fork('evaluate');
  const sums: Record<string, number> = {};
  for (let start = 0, b = 0; start < n; start += batchSize, b++) {
    const end = Math.min(start + batchSize, n);
    const indices = Int32Array.from({ length: end - start }, (_, i) => start + i);
    let names: string[] = [];
    // Read values outside tidy: tidy walks every element of a returned typed array.
    const stacked = tf.tidy(() => {
      const batch = data.batch(indices);
      const r = objective.compute(model, posterior, batch, { seed: root.fork(b), training: false, epoch: 0 });
      names = Object.keys(r.terms);
      return tf.stack(names.map((k) => r.terms[k]!));
    });
    const values = stacked.dataSync();
    stacked.dispose();
    names.forEach((k, i) => {
      sums[k] = (sums[k] ?? 0) + values[i]! * (end - start);
    });
  }
  return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / n]));
}

export interface Latents {
  /** [n * latentSize], row-major. */
  z: Float32Array;
  latentSize: number;
  labels?: Int32Array;
}

/** One posterior sample per example (training off), for latent-space plots and metrics. */
export function encodeLatents(posterior: Posterior, data: Dataset, options: EvaluateOptions): Latents {
  const batchSize = options.batchSize ?? 500;
  const n = Math.min(options.limit ?? data.size, data.size);
  const d = posterior.latentSize;
  const z = new Float32Array(n * d);
  const root = new SeedStream(options.seed >>> 0).fork('encode');
  for (let start = 0, b = 0; start < n; start += batchSize, b++) {
    const end = Math.min(start + batchSize, n);
    const indices = Int32Array.from({ length: end - start }, (_, i) => start + i);
    const zb = tf.tidy(() => {
      const batch = data.batch(indices);
      return posterior.sample(batch.x, { seed: root.fork(b), training: false }).z;
    });
    z.set(zb.dataSync(), start * d);
    zb.dispose();
  }
  const labels = data.labels?.().slice(0, n);
  return labels ? { z, latentSize: d, labels } : { z, latentSize: d };
}
