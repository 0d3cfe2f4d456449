// Temporary: kernel profile of one family's training step (bench-speed setting).
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (pkg) => import(pathToFileURL(join(ROOT, 'packages', pkg, 'dist', 'index.js')).href);
const core = await dist('core');
const setup = (await import(pathToFileURL(join(ROOT, 'scripts', 'bench-speed-setup.mjs')).href)).default;
const tf = await import(pathToFileURL(createRequire(join(ROOT, 'packages', 'core', 'package.json')).resolve('@tensorflow/tfjs-core')).href);
const backend = await core.initBackend('wasm');
console.warn = () => {};
const family = process.argv[2] ?? 'aae';
const steps = Number(process.argv[3] ?? 6);
const { model, posterior, objective, train } = setup({ family, examples: 128 * (steps + 3) });
const mk = (n, seed) => new core.Trainer({ model, posterior, objective, train, batchSize: 128, epochs: 1, learningRate: 1e-4, seed, maxStepsPerEpoch: n });
const w = mk(3, 4); await w.fit(); w.dispose();
let t0 = performance.now();
const plain = mk(steps, 3); await plain.fit(); plain.dispose();
const wall = (performance.now() - t0) / steps;
t0 = performance.now();
const prof = await tf.profile(async () => { const t = mk(steps, 3); await t.fit(); t.dispose(); });
const pwall = (performance.now() - t0) / steps;
const by = new Map(); let kms = 0; let calls = 0;
for (const k of prof.kernels) { const e = by.get(k.name) ?? { calls: 0, ms: 0 }; e.calls++; e.ms += k.kernelTimeMs; by.set(k.name, e); kms += k.kernelTimeMs; calls++; }
console.log(`${family}: ${backend.kernels ?? backend.name}; wall ${wall.toFixed(1)} ms/step; profiled wall ${pwall.toFixed(1)}, kernels ${(kms / steps).toFixed(1)} ms in ${(calls / steps).toFixed(0)} calls/step`);
for (const [name, e] of [...by.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) console.log(`  ${name.padEnd(24)} ${(e.calls / steps).toFixed(1).padStart(7)} calls ${(e.ms / steps).toFixed(2).padStart(8)} ms`);
