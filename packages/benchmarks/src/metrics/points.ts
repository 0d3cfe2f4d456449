import * as tf from '@tensorflow/tfjs-core';
import { invalid } from '@ddvi/core';
import { describeArray, mustBe } from '../datasets/validate';

/**
 * n points of dimension `dim` for the metrics, in any of three forms:
 * - nested arrays `[[x, y], ...]`;
 * - a row-major flat array with its dimension, `{ data, dim }` (core's `Latents` is
 *   `{ data: latents.z, dim: latents.latentSize }`);
 * - a 2-D tensor `[n, dim]` (read once to the host; the caller keeps ownership).
 */
export type PointsInput = readonly (readonly number[])[] | { readonly data: ArrayLike<number>; readonly dim: number } | tf.Tensor2D;

/** Integer labels (class or cluster ids), one per point; any integers, not necessarily 0..K-1. */
export type LabelsInput = ArrayLike<number>;

/** Validated points: float64 row-major `data` of length n * dim. */
export interface Points {
  readonly data: Float64Array;
  readonly n: number;
  readonly dim: number;
}

/**
 * Checks and copies points to float64 (so every metric accumulates in double precision whatever
 * the caller's storage). Rejects empty sets, ragged rows and non-finite values, naming `param`.
 */
export function toPoints(where: string, param: string, input: PointsInput): Points {
  let data: Float64Array;
  let dim: number;
  if (input instanceof tf.Tensor) {
    if (input.rank !== 2) mustBe(where, param, 'a 2-D tensor [n, dim]', `shape [${input.shape.join(', ')}]`);
    dim = input.shape[1]!;
    data = Float64Array.from(input.dataSync());
  } else if (Array.isArray(input)) {
    const rows = input as readonly (readonly number[])[];
    const first = rows[0];
    if (!Array.isArray(first)) mustBe(where, param, 'an array of points [[x1, x2, ...], ...]', `element 0 = ${String(first)}`);
    dim = first.length;
    data = new Float64Array(rows.length * dim);
    rows.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== dim) {
        mustBe(where, param, `rows of one length (${dim}, as row 0)`, `row ${i} of length ${Array.isArray(row) ? row.length : 'none'}`);
      }
      for (let j = 0; j < dim; j++) data[i * dim + j] = row[j]!;
    });
  } else if (input && typeof input === 'object' && 'data' in input && 'dim' in input) {
    dim = input.dim;
    if (!Number.isInteger(dim) || dim < 1) invalid(where, `${param}.dim`, 'an integer >= 1', dim);
    if (input.data.length % dim !== 0) {
      mustBe(where, `${param}.data`, `a multiple of dim = ${dim} long (row-major [n, ${dim}])`, describeArray(input.data));
    }
    data = Float64Array.from(input.data);
  } else {
    return mustBe(where, param, 'nested arrays, { data, dim } or a 2-D tensor', Object.prototype.toString.call(input));
  }
  if (dim < 1) mustBe(where, param, 'points of dimension >= 1', 'dimension 0');
  const n = data.length / dim;
  if (n === 0) mustBe(where, param, 'a non-empty set of points', '0 points');
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      mustBe(where, param, 'finite numbers', `${data[i]} at point ${Math.floor(i / dim)}, coordinate ${i % dim}`);
    }
  }
  return { data, n, dim };
}

/** Checks labels (integers, `n` of them when given) and copies them to an Int32Array. */
export function toLabels(where: string, param: string, input: LabelsInput, n?: number): Int32Array {
  if (input === null || typeof input !== 'object' || typeof input.length !== 'number') {
    return mustBe(where, param, 'an array of integer labels', Object.prototype.toString.call(input));
  }
  if (input.length === 0) mustBe(where, param, 'a non-empty array of labels', 'length 0');
  if (n !== undefined && input.length !== n) mustBe(where, param, `one label per point (${n})`, `length ${input.length}`);
  const out = new Int32Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const v = input[i]!;
    if (!Number.isInteger(v) || Math.abs(v) > 0x7fffffff) mustBe(where, param, 'integers', `${v} at index ${i}`);
    out[i] = v;
  }
  return out;
}

/** Both point sets must have the same dimension (train and test latents, two samples for MMD). */
export function checkSameDim(where: string, a: Points, aName: string, b: Points, bName: string): void {
  if (a.dim !== b.dim) mustBe(where, bName, `points of dimension ${a.dim} (as ${aName})`, `dimension ${b.dim}`);
}

/**
 * Renumbers arbitrary integer labels to 0..K-1 in increasing order of value, so ties broken "by
 * smallest index" are ties broken by smallest label, as sklearn's `np.unique`-based code does.
 */
/** A labelled train split and test split of the same dimension, validated (kNN and the linear probe). */
export function toTrainTest(
  where: string,
  options: { trainX: PointsInput; trainY: LabelsInput; testX: PointsInput; testY: LabelsInput },
): { train: Points; trainY: Int32Array; test: Points; testY: Int32Array } {
  const train = toPoints(where, 'trainX', options.trainX);
  const trainY = toLabels(where, 'trainY', options.trainY, train.n);
  const test = toPoints(where, 'testX', options.testX);
  checkSameDim(where, train, 'trainX', test, 'testX');
  const testY = toLabels(where, 'testY', options.testY, test.n);
  return { train, trainY, test, testY };
}

export function compactLabels(labels: Int32Array): { codes: Int32Array; values: Int32Array } {
  const values = Int32Array.from(new Set(labels)).sort();
  const index = new Map<number, number>();
  values.forEach((v, i) => index.set(v, i));
  const codes = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) codes[i] = index.get(labels[i]!)!;
  return { codes, values };
}
