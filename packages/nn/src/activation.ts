import * as tf from '@tensorflow/tfjs-core';

/** Hidden-layer activations of an MLP. 'leakyRelu' has slope 0.2, as in the DDVI reference. */
export type Activation = 'leakyRelu' | 'relu' | 'tanh';
/** Optional per-head output activation. */
export type OutputActivation = 'sigmoid' | 'none';
/** What a single Dense layer can apply. */
export type LayerActivation = 'linear' | 'relu' | 'leakyRelu' | 'tanh' | 'sigmoid';

export const ACTIVATIONS: readonly Activation[] = ['leakyRelu', 'relu', 'tanh'];
export const OUTPUT_ACTIVATIONS: readonly OutputActivation[] = ['sigmoid', 'none'];
export const LAYER_ACTIVATIONS: readonly LayerActivation[] = ['linear', 'relu', 'leakyRelu', 'tanh', 'sigmoid'];

/** Negative slope of 'leakyRelu' (the reference's nn.LeakyReLU(0.2)). */
export const LEAKY_RELU_SLOPE = 0.2;

/** The activations `tf.fused.matMul` (and `fusedDense`) apply in the product's kernel. */
export type FusedActivation = 'linear' | 'relu' | 'leakyrelu' | 'sigmoid';

/** How `tf.fused.matMul` can apply an activation: fused, or linear followed by `applyActivation`. */
export function fusable(activation: LayerActivation): { fused: boolean; activation: FusedActivation; leakyreluAlpha?: number } {
  switch (activation) {
    case 'linear':
      return { fused: true, activation: 'linear' };
    case 'relu':
      return { fused: true, activation: 'relu' };
    case 'leakyRelu':
      return { fused: true, activation: 'leakyrelu', leakyreluAlpha: LEAKY_RELU_SLOPE };
    case 'sigmoid':
      return { fused: true, activation: 'sigmoid' };
    case 'tanh':
      return { fused: false, activation: 'linear' };
  }
}

export function applyActivation(x: tf.Tensor, activation: LayerActivation): tf.Tensor {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'leakyRelu':
      return tf.leakyRelu(x, LEAKY_RELU_SLOPE);
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
  }
}
