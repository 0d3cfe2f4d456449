import type * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from '../errors';

/**
 * An up-front estimate of what training will hold in memory, so a batch size or dataset that
 * cannot fit fails with numbers before the first step instead of an out-of-memory hours in.
 *
 * - parameters: each float32 value, its gradient and Adam's two moments (4 copies);
 * - activations: per example, the input plus every layer's output (a weight matrix [in, out]
 *   contributes `out`), kept for the backward pass with their gradients and the backend's
 *   temporaries (ACTIVATION_COPIES copies), times the batch size;
 * - data: the datasets held as float32.
 *
 * It is a floor for families that reuse one network many times per step (DDVI's T denoiser
 * calls): those scale their activations by `activationRepeats`.
 */
export interface MemoryEstimate {
  parameterBytes: number;
  activationBytes: number;
  /** Activation bytes per example (for "lower the batch size to ..." hints). */
  bytesPerExample: number;
  dataBytes: number;
  totalBytes: number;
}

export interface MemoryEstimateInput {
  variables: Record<string, tf.Variable>;
  batchSize: number;
  dataSize: number;
  /** Examples held in memory by the datasets (train + test), each of `dataSize` float32 values. */
  examples: number;
  /** How many times a step runs the networks (default 1). */
  activationRepeats?: number;
}

const FLOAT = 4;
const PARAMETER_COPIES = 4;
const ACTIVATION_COPIES = 4;

export function estimateTrainingMemory(input: MemoryEstimateInput): MemoryEstimate {
  let parameters = 0;
  let widths = input.dataSize;
  for (const v of Object.values(input.variables)) {
    parameters += v.size;
    if (v.shape.length === 2) widths += v.shape[1]!;
  }
  const bytesPerExample = widths * FLOAT * ACTIVATION_COPIES * (input.activationRepeats ?? 1);
  const parameterBytes = parameters * FLOAT * PARAMETER_COPIES;
  const activationBytes = bytesPerExample * input.batchSize;
  const dataBytes = input.examples * input.dataSize * FLOAT;
  return { parameterBytes, activationBytes, bytesPerExample, dataBytes, totalBytes: parameterBytes + activationBytes + dataBytes };
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)} ${units[u]}`;
}

/**
 * Throws a ValidationError with the estimate's breakdown and what to change when it exceeds
 * `availableBytes` (what the machine can give: free memory, or a limit the user set).
 */
export function checkMemoryFits(estimate: MemoryEstimate, budget: { availableBytes: number; totalBytes?: number; source?: string }, batchSize: number): void {
  if (estimate.totalBytes <= budget.availableBytes) return;
  const room = budget.availableBytes - estimate.parameterBytes - estimate.dataBytes;
  const fitting = Math.floor(room / estimate.bytesPerExample);
  const hint = fitting >= 1
    ? `lower --batch-size to at most ${fitting}`
    : `the data (${formatBytes(estimate.dataBytes)}) and parameters (${formatBytes(estimate.parameterBytes)}) alone do not fit: lower --train-limit / --test-limit or the network widths (--hidden)`;
  throw new ValidationError(
    `training would need about ${formatBytes(estimate.totalBytes)} of memory ` +
      `(parameters with gradients and Adam state ${formatBytes(estimate.parameterBytes)}, activations for batch ${batchSize} ` +
      `${formatBytes(estimate.activationBytes)} = ${formatBytes(estimate.bytesPerExample)} per example, data ${formatBytes(estimate.dataBytes)}), ` +
      `but only ${formatBytes(budget.availableBytes)} is available` +
      (budget.totalBytes ? ` of ${formatBytes(budget.totalBytes)}` : '') +
      (budget.source ? ` (${budget.source})` : '') +
      `; ${hint}`,
  );
}
