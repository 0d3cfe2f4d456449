import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@ddvi/core';
import type { BackendChoice } from '../backend_choice';

export interface ActiveBackend {
  /** The tfjs backend now active: webgpu, webgl, wasm or cpu. */
  name: string;
  /** Why this one (requested, or what 'auto' found missing). */
  reason: string;
}

/**
 * Initializes a tfjs backend in this worker. GPU backends are imported only when tried, so a page
 * that runs on WASM never loads their code. WASM and CPU go through @ddvi/core's initBackend,
 * which also installs its matrix-product fix for WASM; the WASM binaries are the page's static
 * assets at `wasmBase` (core finds them on disk only in Node).
 */
export async function selectBackend(choice: BackendChoice, wasmBase: string): Promise<ActiveBackend> {
  const skipped: string[] = [];
  if (choice === 'webgpu' || choice === 'auto') {
    const why = await tryWebGpu();
    if (why === undefined) return { name: 'webgpu', reason: choice === 'auto' ? 'WebGPU available' : 'requested' };
    if (choice === 'webgpu') throw new Error(`backend webgpu requested but unavailable: ${why}`);
    skipped.push(`WebGPU: ${why}`);
  }
  if (choice === 'webgl' || choice === 'auto') {
    const why = await tryWebGl(choice === 'webgl');
    if (why === undefined) return { name: 'webgl', reason: choice === 'auto' ? `WebGL available; ${skipped.join('; ')}` : 'requested' };
    if (choice === 'webgl') throw new Error(`backend webgl requested but unavailable: ${why}`);
    skipped.push(`WebGL: ${why}`);
  }
  if (choice === 'cpu') {
    await initBackend('cpu');
    return { name: 'cpu', reason: 'requested' };
  }
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(wasmBase);
  await initBackend('wasm');
  return { name: 'wasm', reason: choice === 'auto' ? `no GPU backend; ${skipped.join('; ')}` : 'requested' };
}

async function tryWebGpu(): Promise<string | undefined> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<unknown> } } | undefined)?.gpu;
  if (!gpu) return 'navigator.gpu is missing';
  try {
    if (!(await gpu.requestAdapter())) return 'no adapter';
    await import('@tensorflow/tfjs-backend-webgpu');
    return (await tf.setBackend('webgpu')) ? undefined : 'initialization failed';
  } catch (e) {
    return (e as Error).message;
  }
}

const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software/i;

async function tryWebGl(force: boolean): Promise<string | undefined> {
  // Probe first: tfjs logs its own failure when it cannot create a context, which the page should not show.
  if (typeof OffscreenCanvas === 'undefined') return 'OffscreenCanvas is missing';
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (!gl) return 'no WebGL2 context';
    // A software rasterizer (Chromium's SwiftShader without a GPU, Mesa's llvmpipe) runs tfjs'
    // shaders on the CPU, far slower than WASM (docs/playground.md), so 'auto' skips it; asking
    // for webgl by name still gets it.
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
    if (!force && SOFTWARE_GL.test(renderer)) return `software renderer "${renderer.length > 60 ? `${renderer.slice(0, 57)}...` : renderer}"`;
    await import('@tensorflow/tfjs-backend-webgl');
    return (await tf.setBackend('webgl')) ? undefined : 'initialization failed';
  } catch (e) {
    return (e as Error).message;
  }
}
