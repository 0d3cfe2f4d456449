import type * as tf from '@tensorflow/tfjs-core';

/** A minibatch: x is [batch, dataSize]; label (int32, [batch]) where the data has labels. */
export interface Batch {
  x: tf.Tensor2D;
  label?: tf.Tensor1D;
}

/**
 * An in-memory dataset split. Datasets (MNIST, genotypes, toys, user data) implement this; the
 * trainer only asks for batches by index, so shuffling and resuming stay in one place.
 */
export interface Dataset {
  readonly name: string;
  readonly size: number;
  readonly dataSize: number;
  /** Number of classes when labelled, else undefined. */
  readonly numClasses?: number;
  /** The examples at `indices`, as new tensors the caller disposes. */
  batch(indices: Int32Array): Batch;
  /** Labels of all examples (int32), when labelled. */
  labels?(): Int32Array;
}
