import * as tf from '@tensorflow/tfjs-core';
import { ValidationError, checkPositiveInt, describeArray, invalid, mustBe } from '../errors';
import type { Batch, Dataset } from '../types/dataset';

export interface TensorDatasetOptions {
  /** Shown in messages and run records, e.g. "mnist-train". */
  name: string;
  /** Row-major examples, length size × dataSize. Kept host-side, not copied. */
  data: Float32Array;
  /** Features per example (784 for MNIST). */
  dataSize: number;
  /** One int32 label per example, each in [0, numClasses). */
  labels?: Int32Array;
  /** Number of classes; defaults to max(label) + 1 when labels are given. */
  numClasses?: number;
}

/**
 * An in-memory dataset over host arrays. The examples stay in a Float32Array (MNIST train is
 * 188 MB as float32); `batch` gathers only the requested rows into new tensors.
 */
export class TensorDataset implements Dataset {
  readonly name: string;
  readonly size: number;
  readonly dataSize: number;
  readonly numClasses?: number;
  /** The examples, row-major [size × dataSize]. Shared, not copied: do not mutate. */
  readonly data: Float32Array;
  /** A copy of all labels, present only when the dataset is labelled. */
  readonly labels?: () => Int32Array;
  private readonly labelArray?: Int32Array;

  constructor(options: TensorDatasetOptions) {
    const where = `TensorDataset(${options.name})`;
    const { data, labels } = options;
    this.name = options.name;
    this.dataSize = checkPositiveInt(where, 'dataSize', options.dataSize);
    if (!(data instanceof Float32Array)) mustBe(where, 'data', 'a Float32Array', describeArray(data));
    if (data.length % this.dataSize !== 0) {
      mustBe(where, 'data', `of a length divisible by dataSize ${this.dataSize} (size × dataSize)`, `length ${data.length}`);
    }
    this.size = data.length / this.dataSize;
    this.data = data;

    if (labels !== undefined) {
      if (!(labels instanceof Int32Array)) mustBe(where, 'labels', 'an Int32Array', describeArray(labels));
      if (labels.length !== this.size) {
        mustBe(where, 'labels', `of length ${this.size} (one per example: data.length / dataSize)`, `length ${labels.length}`);
      }
      let max = -1;
      for (let i = 0; i < labels.length; i++) {
        const l = labels[i]!;
        if (l < 0) invalid(where, `labels[${i}]`, 'a class index >= 0', l);
        if (l > max) max = l;
      }
      const numClasses = options.numClasses ?? Math.max(max + 1, 1);
      checkPositiveInt(where, 'numClasses', numClasses);
      if (max >= numClasses) {
        const at = labels.indexOf(max);
        invalid(where, `labels[${at}]`, `a class index in [0, ${numClasses}) (numClasses)`, max);
      }
      this.numClasses = numClasses;
      this.labelArray = labels;
      this.labels = () => labels.slice();
    } else if (options.numClasses !== undefined) {
      throw new ValidationError(`${where}: numClasses was given (${options.numClasses}) but no labels`);
    }
  }

  /** The examples at `indices` as new tensors (x: float32 [b, dataSize], label: int32 [b]); the caller disposes them. */
  batch(indices: Int32Array): Batch {
    const rows = this.gather(indices, 'batch');
    const d = this.dataSize;
    const x = new Float32Array(rows.length * d);
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k]!;
      x.set(this.data.subarray(i * d, (i + 1) * d), k * d);
    }
    const xt = tf.tensor2d(x, [rows.length, d], 'float32');
    if (!this.labelArray) return { x: xt };
    const lab = new Int32Array(rows.length);
    for (let k = 0; k < rows.length; k++) lab[k] = this.labelArray[rows[k]!]!;
    return { x: xt, label: tf.tensor1d(lab, 'int32') };
  }

  /** A new dataset holding copies of the rows at `indices` (in that order). */
  subset(indices: Int32Array, name = this.name): TensorDataset {
    const rows = this.gather(indices, 'subset');
    const d = this.dataSize;
    const data = new Float32Array(rows.length * d);
    for (let k = 0; k < rows.length; k++) data.set(this.data.subarray(rows[k]! * d, (rows[k]! + 1) * d), k * d);
    let labels: Int32Array | undefined;
    if (this.labelArray) {
      labels = new Int32Array(rows.length);
      for (let k = 0; k < rows.length; k++) labels[k] = this.labelArray[rows[k]!]!;
    }
    return new TensorDataset({ name, data, dataSize: d, labels, numClasses: this.numClasses });
  }

  private gather(indices: Int32Array, method: string): Int32Array {
    const where = `TensorDataset(${this.name}).${method}`;
    if (!(indices instanceof Int32Array)) mustBe(where, 'indices', 'an Int32Array', describeArray(indices));
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      if (i < 0 || i >= this.size) invalid(where, `indices[${k}]`, `an index in [0, ${this.size})`, i);
    }
    return indices;
  }
}
