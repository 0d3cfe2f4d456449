import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@ddvi/core';
import { blasKernelStats, installBlasKernels } from '@ddvi/backend-blas';

// initBackend() installs the native products by itself when this package is installed;
// the explicit call returns what runs, or in one line why not.
const backend = await initBackend('wasm');
const status = installBlasKernels();
console.log(backend.kernels, status.installed ? status.kernels : status.reason);
// e.g. "wasm + OpenBLAS 0.3.21, 2 threads" "OpenBLAS 0.3.21, 2 threads"
const y = tf.fused.matMul({ a: tf.ones([128, 1000]), b: tf.ones([1000, 10]), bias: tf.ones([10]), activation: 'relu' });
console.log(y.shape, blasKernelStats().native > 0 || !status.installed); // [128, 10] true
tf.dispose(y);
