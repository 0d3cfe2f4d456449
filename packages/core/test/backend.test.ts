import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKEND_ENV_VAR, BACKEND_NAMES, BLAS_ENV_VAR, ValidationError, activeKernels, initBackend, isMatMulFixInstalled } from '../src';
import { tryBlasKernels } from '../src/backend/blas';

const savedEnv = process.env[BACKEND_ENV_VAR];

afterAll(async () => {
  if (savedEnv === undefined) delete process.env[BACKEND_ENV_VAR];
  else process.env[BACKEND_ENV_VAR] = savedEnv;
  await initBackend('auto'); // leave the default behind for the files that run after this one
});

/** d/dx of mean(x^2 W) through matMul, mean, square: the kernels every training step uses. */
function gradientsWork(): void {
  const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  const w = tf.tensor2d([[1], [0.5], [-1]]);
  const g = tf.grad((v: tf.Tensor) => tf.mean(tf.matMul(tf.square(v) as tf.Tensor2D, w)))(x);
  // d/dx_ij of (1/2) sum_i sum_j x_ij^2 w_j = x_ij w_j
  expect(Array.from(g.dataSync())).toEqual([1, 1, -3, 4, 2.5, -6]);
  tf.dispose([x, w, g]);
}

describe('native products (@ddvi/backend-blas)', () => {
  it('load on wasm when importable, are named in BackendInfo.kernels, and DDVI_BLAS=0 turns them off', async () => {
    const saved = process.env[BLAS_ENV_VAR];
    delete process.env[BLAS_ENV_VAR];
    try {
      const on = await tryBlasKernels();
      // CI sets DDVI_EXPECT_BLAS=1 where it installed libopenblas-dev: a silent fallback fails there.
      if (process.env.DDVI_EXPECT_BLAS === '1') expect(on.kernels, on.note).toBeDefined();
      if (on.kernels) expect(on.kernels).toMatch(/^(OpenBLAS \d+\.\d+\.\d+, \d+ threads?|Accelerate)$/);
      else expect(on.note).toMatch(/^products on wasm: .*install/);
      const info = await initBackend('wasm');
      expect(info.kernels).toBe(on.kernels ? `wasm + ${on.kernels}` : 'wasm');
      process.env[BLAS_ENV_VAR] = '0';
      expect(await tryBlasKernels()).toEqual({ note: 'native products off (DDVI_BLAS=0)' });
    } finally {
      if (saved === undefined) delete process.env[BLAS_ENV_VAR];
      else process.env[BLAS_ENV_VAR] = saved;
    }
  });
});

describe('activeKernels', () => {
  it("names initBackend's kernels while its backend is active, and tfjs' backend name once switched behind it", async () => {
    const wasm = await initBackend('wasm');
    expect(activeKernels()).toBe(wasm.kernels);
    const cpu = await initBackend('cpu');
    expect(activeKernels()).toBe(cpu.kernels);
    await tf.setBackend('wasm'); // not through initBackend: the record must not claim cpu's kernels
    expect(activeKernels()).toBe('wasm');
  });
});

describe('initBackend', () => {
  it('initializes wasm (or tfjs-node when installed) by default, with gradients registered', async () => {
    delete process.env[BACKEND_ENV_VAR];
    const info = await initBackend();
    expect(['wasm', 'tensorflow']).toContain(info.name);
    expect(tf.getBackend()).toBe(info.name);
    const g = tf.grad((x: tf.Tensor) => tf.mean(tf.square(x)))(tf.ones([4]));
    expect(Array.from(g.dataSync())).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it('has gradients on every available backend', async () => {
    for (const name of ['cpu', 'wasm'] as const) {
      const info = await initBackend(name);
      expect(info.name).toBe(name);
      expect(tf.getBackend()).toBe(name);
      gradientsWork();
      const opt = tf.train.sgd(0.1);
      const v = tf.variable(tf.tensor1d([1, -2]));
      opt.minimize(() => tf.sum(tf.square(v)) as tf.Scalar); // needs the Sum/Square/Mul gradients
      const [a, b] = Array.from(v.dataSync());
      expect(a).toBeCloseTo(0.8, 6);
      expect(b).toBeCloseTo(-1.6, 6);
      v.dispose();
      opt.dispose();
    }
  });

  it('installs the matMul fix on wasm', async () => {
    await initBackend('wasm');
    expect(isMatMulFixInstalled()).toBe(true);
  });

  it('selects tfjs-node only when it can be imported, else says how to proceed', async () => {
    let importable = true;
    try {
      await import(/* @vite-ignore */ ['@tensorflow', 'tfjs-node'].join('/'));
    } catch {
      importable = false;
    }
    if (importable) {
      await expect(initBackend('tensorflow')).resolves.toMatchObject({ name: 'tensorflow' });
    } else {
      await expect(initBackend('tensorflow')).rejects.toThrow(/@tensorflow\/tfjs-node could not be imported.*DDVI_BACKEND=wasm/);
      // a failed request is not cached: the next one works
      await expect(initBackend('wasm')).resolves.toMatchObject({ name: 'wasm' });
    }
  });

  it('honours DDVI_BACKEND when called without an argument', async () => {
    process.env[BACKEND_ENV_VAR] = 'cpu';
    const cpu = await initBackend();
    expect(cpu.name).toBe('cpu');
    expect(cpu.reason).toContain('DDVI_BACKEND=cpu');
    expect(tf.getBackend()).toBe('cpu');

    process.env[BACKEND_ENV_VAR] = ' WASM ';
    expect((await initBackend()).name).toBe('wasm');

    process.env[BACKEND_ENV_VAR] = 'cpu';
    expect((await initBackend('wasm')).name).toBe('wasm'); // an explicit argument wins

    process.env[BACKEND_ENV_VAR] = '';
    expect(['wasm', 'tensorflow']).toContain((await initBackend()).name); // empty = auto
  });

  it('rejects an unknown backend name, listing the valid ones', async () => {
    process.env[BACKEND_ENV_VAR] = 'webgpu';
    const fromEnv = initBackend();
    await expect(fromEnv).rejects.toBeInstanceOf(ValidationError);
    await expect(fromEnv).rejects.toThrow('DDVI_BACKEND must be one of auto, wasm, cpu, tensorflow, got "webgpu"');
    delete process.env[BACKEND_ENV_VAR];

    const fromArg = initBackend('gpu' as never);
    await expect(fromArg).rejects.toThrow('initBackend: backend must be one of auto, wasm, cpu, tensorflow, got "gpu"');
    expect(BACKEND_NAMES).toEqual(['auto', 'wasm', 'cpu', 'tensorflow']);
    // the backend in use is untouched by a rejected request
    expect(['wasm', 'tensorflow', 'cpu']).toContain(tf.getBackend());
  });
});
