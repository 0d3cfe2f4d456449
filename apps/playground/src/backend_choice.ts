/**
 * The backends the page offers. 'auto' takes the first that works of WebGPU, WebGL and WASM;
 * the page names the one that runs. No tfjs import here: the page's main thread loads no tfjs.
 */
export const BACKEND_CHOICES = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
