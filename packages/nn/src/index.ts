export { Dense } from './dense';
export type { DenseOptions, DenseConfig } from './dense';
export { MLP } from './mlp';
export type { MLPOptions, MLPConfig, ApplyOptions } from './mlp';
export { ACTIVATIONS, OUTPUT_ACTIVATIONS, LAYER_ACTIVATIONS, LEAKY_RELU_SLOPE } from './activation';
export type { Activation, OutputActivation, LayerActivation } from './activation';
