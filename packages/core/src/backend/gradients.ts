// tfjs-core alone registers no gradients; this module (bundled into our dist by tsup, since its
// extensionless ESM imports fail in plain Node) registers tfjs' own gradient table once.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';

// tfjs 4.22 registers no gradient for comparisons and logical ops, so a mask built with tf.less or
// tf.logicalAnd that feeds tf.where breaks tf.grad ("gradient function not found"). They are
// piecewise constant: their gradient with respect to every input is zero.
const PIECEWISE_CONSTANT = ['Less', 'LessEqual', 'Greater', 'Equal', 'NotEqual', 'LogicalAnd', 'LogicalOr', 'LogicalNot'];

for (const kernelName of PIECEWISE_CONSTANT) {
  if (tf.getGradient(kernelName) === undefined) {
    const inputs = kernelName === 'LogicalNot' ? ['x'] : ['a', 'b'];
    tf.registerGradient({
      kernelName,
      inputsToSave: inputs,
      gradFunc: (_dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
        Object.fromEntries(inputs.map((name, i) => [name, () => tf.zeros(saved[i]!.shape, 'float32')])),
    });
  }
}
