#!/usr/bin/env node
/* global console, process, performance */
// Training speed against PyTorch (issue 12): one training step of each family on the paper's MNIST
// setting (batch 128), ours through the real Trainer and the same step in PyTorch CPU
// (scripts/bench_speed_torch.py, run only where `import torch` works), back to back in one run.
//
//   pnpm bench:speed                          # builds, then the short default run (a few minutes)
//   node scripts/bench-speed.mjs --full       # full scaling curves (batch 32..1024, T 1..100)
//   node scripts/bench-speed.mjs --help
//
// Families: vae (mean-field Gaussian), ddvi (T = 40 wake + 3 sleep updates), iaf (4 IAF steps), aae
// (reconstruction + discriminator + generator updates), conv-vae (the spec's CIFAR-10 conv encoder and
// decoder, §6, 3x32x32, Gaussian likelihood); scripts/bench-speed-setup.mjs builds them.
// Ours and PyTorch alternate family by family and round by round (ABAB), so a load change on a
// shared machine hits both; ratios are medians of one run. PyTorch runs at 1 and 2 threads (torch's
// and its BLAS's: runTorch) and the ratio is taken to the faster; ours at 1 and 2 BLAS threads, the
// 'best' ratio taking each side's faster.
//
// Native products (@ddvi/backend-blas: OpenBLAS cblas_sgemm on the wasm heap, issue 19) are measured
// on and off for every family in the main table (ABAB with PyTorch), at 1 and 2 BLAS threads in the
// levers, and in the one-product ceiling.
// Levers, each on/off in the same run (vae and ddvi): the wasm matMul fix (@ddvi/core), fused
// matMul + bias + activation (@ddvi/nn setDenseFusion), the fused Adam kernel (@ddvi/core), DDVI's fused reverse chain
// (@ddvi/posterior-diffusion setFusedReverseStep), data-parallel training on 2 workers
// (DataParallelTrainer), the one host sync per update (the non-finite guard's read, timed on the
// step's real gradient shapes), and tfjs-node (used by initBackend('auto') when installed).
// Scaling curves: ms/step against batch size, against T (DDVI), and the 1 -> 2 worker speed-up, each
// plotted (vega-lite, the CLI's plotting) as SVG and PNG. Writes <out>/results.json (atomically).

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { integerArg, listArg, scriptArgs } from './script_args.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SETUP = pathToFileURL(join(ROOT, 'scripts', 'bench-speed-setup.mjs'));
const TORCH_SCRIPT = join(ROOT, 'scripts', 'bench_speed_torch.py');
const FAMILIES = ['vae', 'ddvi', 'iaf', 'aae', 'conv-vae'];
const LEVER_FAMILIES = ['vae', 'ddvi'];
const BATCH = 128;
const T = 40;
const CURVES = {
  short: { batches: [32, 128, 512], Ts: [1, 10, 40], workerBatches: [128] },
  full: { batches: [32, 64, 128, 256, 512, 1024], Ts: [1, 5, 10, 20, 40, 70, 100], workerBatches: [64, 128, 256, 512] },
};

function usage(message) {
  if (message) console.error(`bench-speed: ${message}`);
  console.error(
    'usage: node scripts/bench-speed.mjs [--steps N] [--warmup N] [--rounds N] [--families list] [--full] [--no-curves] [--no-levers] [--no-torch] [--out dir]\n' +
      '  --steps      timed steps per measurement (default 6; curves and levers use fewer)\n' +
      '  --warmup     untimed steps first (default 2)\n' +
      '  --rounds     ABAB rounds of ours and PyTorch for the main table (default 2)\n' +
      `  --families   comma-separated from ${FAMILIES.join(', ')} (default all)\n` +
      '  --full       full scaling curves (batch 32..1024, T 1..100, workers at 4 batch sizes)\n' +
      '  --no-curves  skip the scaling curves; --no-levers skip the lever measurements\n' +
      '  --no-torch   skip PyTorch even when it is importable\n' +
      '  --out        output folder (default runs/bench-speed)',
  );
  process.exit(message ? 2 : 0);
}

function parseOptions() {
  const a = scriptArgs({
    steps: { type: 'string' }, warmup: { type: 'string' }, rounds: { type: 'string' }, families: { type: 'string' }, out: { type: 'string' },
    full: { type: 'boolean' }, 'no-curves': { type: 'boolean' }, 'no-levers': { type: 'boolean' }, 'no-torch': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }, usage);
  if (a.help) usage();
  return {
    steps: integerArg('steps', a.steps, 6, 1, usage), warmup: integerArg('warmup', a.warmup, 2, 0, usage), rounds: integerArg('rounds', a.rounds, 2, 1, usage),
    families: listArg('families', a.families, FAMILIES, FAMILIES, usage), full: a.full === true,
    curves: a['no-curves'] !== true, levers: a['no-levers'] !== true, torch: a['no-torch'] !== true,
    out: a.out === undefined ? join(ROOT, 'runs', 'bench-speed') : resolve(a.out),
  };
}

const dist = async (pkg) => {
  try {
    return await import(pathToFileURL(join(ROOT, 'packages', pkg, 'dist', 'index.js')).href);
  } catch (e) {
    console.error(`bench-speed: cannot load packages/${pkg}/dist (${e.message}); run \`pnpm build\` first`);
    process.exit(1);
  }
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const r1 = (x) => Math.round(x * 10) / 10;
const r2 = (x) => Math.round(x * 100) / 100;

/** The first python that can `import torch` (pyenv's python3 usually cannot; Debian's can). */
function findTorchPython() {
  for (const py of [process.env.DDVI_TORCH_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean)) {
    const r = spawnSync(py, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) return { python: py, version: r.stdout.trim() };
  }
  return undefined;
}

/**
 * Runs the cases in one python process per thread count, with the BLAS and OpenMP thread counts
 * set in its environment: torch.set_num_threads does not reach Debian's OpenBLAS (the pthread
 * build), which otherwise runs every product on all cores. Measured: one [128, 1000] x [1000, 1000]
 * product under torch.set_num_threads(1) used 1.99 cores (2.76 ms); with OPENBLAS_NUM_THREADS=1,
 * 1.00 core (3.80 ms). The thread count must be in the environment before torch loads.
 */
function runTorch(py, cases) {
  const out = [];
  for (const threads of [...new Set(cases.map((c) => c.threads))]) {
    const n = String(threads);
    const env = { ...process.env, OPENBLAS_NUM_THREADS: n, OMP_NUM_THREADS: n, MKL_NUM_THREADS: n };
    const mine = cases.filter((c) => c.threads === threads);
    const r = spawnSync(py, [TORCH_SCRIPT, JSON.stringify(mine)], { encoding: 'utf8', maxBuffer: 1 << 24, env });
    if (r.status !== 0) throw new Error(`PyTorch reference failed (${py}): ${r.stderr.slice(-2000)}`);
    out.push(...r.stdout.trim().split('\n').map((line) => JSON.parse(line)));
  }
  return out;
}

async function main() {
  const o = parseOptions();
  const core = await dist('core');
  const nn = await dist('nn');
  const diffusion = await dist('posterior-diffusion');
  const tf = await import(pathToFileURL(createRequire(join(ROOT, 'packages', 'core', 'package.json')).resolve('@tensorflow/tfjs-core')).href);
  const { default: setup } = await import(SETUP.href);
  console.warn = () => {}; // tfjs' "already registered" notices would interleave with the tables

  // tfjs-node: used automatically when installed; otherwise recorded as absent.
  let tfjsNode;
  try {
    const info = await core.initBackend('tensorflow');
    tfjsNode = { available: true, reason: info.reason };
  } catch (e) {
    tfjsNode = { available: false, reason: e instanceof Error ? e.message.split(';')[0] : String(e) };
  }
  const backend = await core.initBackend(tfjsNode.available ? 'tensorflow' : 'wasm');
  // The native products, when initBackend loaded them (kernels 'wasm + OpenBLAS ...'): measured on and off.
  const blasPkg = backend.kernels?.startsWith('wasm + ') ? await dist('backend-blas') : undefined;
  const blasThreads = blasPkg?.installedBlasKernels()?.threads;
  /** Runs f with the native products off (the wasm kernels, matMul fix included), then turns them back on. */
  const withoutBlas = async (f) => {
    blasPkg.uninstallBlasKernels();
    try {
      return await f();
    } finally {
      blasPkg.installBlasKernels({ threads: blasThreads });
    }
  };
  const withBlasThreads = async (threads, f) => {
    blasPkg.installBlasKernels({ threads });
    try {
      return await f();
    } finally {
      blasPkg.installBlasKernels({ threads: blasThreads });
    }
  };
  const torch = o.torch ? findTorchPython() : undefined;
  const loadBefore = loadavg().map(r2);
  console.log(`bench:speed — backend ${backend.kernels ?? backend.name} (${backend.reason})${backend.note ? ` [${backend.note}]` : ''}; tfjs-node: ${tfjsNode.available ? 'installed' : 'not installed'}; ` +
    `PyTorch: ${torch ? `${torch.version} (${torch.python})` : 'not importable, ours only'}`);
  console.log(`Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average ${loadBefore.join(' ')}; ` +
    `median of ${o.steps} steps after ${o.warmup} warm-up, ${o.rounds} ABAB rounds\n`);

  /**
   * ms/step of one configuration of ours through the real Trainer (or DataParallelTrainer), with the
   * tensor count after each step (must stay flat) and peak memory.
   */
  // Not bench-step.mjs's loop (which times a bare optimizer step): this one times whole Trainer steps from its events, as users run them.
  async function ours({ family, batch = BATCH, T: steps = T, workers = 1, timed = o.steps, warmup = o.warmup, fusedAdam = true }) {
    const total = warmup + timed;
    const stamps = [];
    const counts = [];
    let peakRss = 0;
    let peakHeap = 0;
    const onEvent = (e) => {
      if (e.type !== 'start' && e.type !== 'step') return;
      stamps.push(performance.now());
      if (workers === 1) counts.push(tf.memory().numTensors);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      peakHeap = Math.max(peakHeap, tf.backend().wasm?.HEAPU8?.byteLength ?? 0);
    };
    const training = { batchSize: batch, epochs: 1, learningRate: 1e-4, seed: 3, maxStepsPerEpoch: total, adam: { fused: fusedAdam } };
    const setupOptions = { family, T: steps, examples: batch * total };
    const before = tf.memory().numTensors;
    if (workers === 1) {
      const run = setup(setupOptions);
      const trainer = new core.Trainer({ ...run, ...training, onEvent });
      try {
        await trainer.fit();
      } finally {
        trainer.dispose();
        run.posterior.dispose();
        run.model.dispose();
      }
      if (tf.memory().numTensors !== before) throw new Error(`${family}: ${tf.memory().numTensors - before} tensors leaked`);
    } else {
      await new core.DataParallelTrainer({ ...training, workers, setup: SETUP, setupOptions, backend: backend.name, onEvent }).fit();
    }
    const deltas = stamps.slice(1).map((t, i) => t - stamps[i]).slice(warmup);
    const steady = counts.slice(2); // Adam creates its slots during the first step
    return {
      msPerStep: r1(median(deltas)), timesMs: deltas.map(r1),
      numTensorsFlat: workers === 1 ? new Set(steady).size <= 1 : null, numTensors: workers === 1 ? steady[steady.length - 1] : null,
      peakRssMB: Math.round(peakRss / 2 ** 20), wasmHeapMB: peakHeap ? Math.round(peakHeap / 2 ** 20) : null,
    };
  }

  function theirs(family, extra = {}) {
    if (!torch) return undefined;
    const cases = [1, 2].map((threads) => ({ family, batch: BATCH, T, threads, steps: o.steps, warmup: o.warmup, ...extra }));
    const out = {};
    for (const r of runTorch(torch.python, cases)) out[`threads${r.case.threads}`] = r.times_ms;
    return out;
  }

  // ---- Main table: ABAB, family by family -------------------------------------------------------
  // With native products, ours also runs at the other BLAS thread count (1 or 2), so each side's
  // best is taken as PyTorch's is.
  const otherThreads = blasPkg ? (blasThreads === 2 ? 1 : 2) : undefined;
  const main = Object.fromEntries(o.families.map((f) => [f, { ours: [], oursOther: [], oursNoBlas: [], torch1: [], torch2: [], tensorsFlat: true, peakRssMB: 0, wasmHeapMB: 0 }]));
  for (let round = 1; round <= o.rounds; round++) {
    for (const family of o.families) {
      const m = main[family];
      const a = await ours({ family });
      m.ours.push(...a.timesMs);
      m.tensorsFlat &&= a.numTensorsFlat;
      m.peakRssMB = Math.max(m.peakRssMB, a.peakRssMB);
      m.wasmHeapMB = Math.max(m.wasmHeapMB, a.wasmHeapMB ?? 0);
      const off = blasPkg ? await withoutBlas(() => ours({ family })) : undefined;
      if (off) m.oursNoBlas.push(...off.timesMs);
      const other = otherThreads ? await withBlasThreads(otherThreads, () => ours({ family })) : undefined;
      if (other) m.oursOther.push(...other.timesMs);
      const b = theirs(family);
      if (b) {
        m.torch1.push(...b.threads1);
        m.torch2.push(...b.threads2);
      }
      console.log(`round ${round}/${o.rounds} ${family}: ours ${a.msPerStep} ms/step${other ? ` (${otherThreads} BLAS threads: ${other.msPerStep})` : ''}${off ? ` (native products off: ${off.msPerStep})` : ''}` +
        (b ? `, PyTorch ${r1(median(b.threads1))} (1 thread) / ${r1(median(b.threads2))} (2 threads)` : ''));
    }
  }
  const table = o.families.map((family) => {
    const m = main[family];
    const t1 = median(m.torch1);
    const t2 = median(m.torch2);
    const best = torch ? Math.min(t1, t2) : NaN;
    const oursMs = median(m.ours);
    const otherMs = m.oursOther.length ? median(m.oursOther) : NaN;
    const oursBest = Math.min(oursMs, Number.isNaN(otherMs) ? Infinity : otherMs);
    const noBlasMs = m.oursNoBlas.length ? median(m.oursNoBlas) : NaN;
    return {
      family, batch: BATCH, ...(family === 'ddvi' ? { T, sleepUpdates: 3 } : {}), oursMs: r1(oursMs),
      blasThreads: blasThreads ?? null, oursOtherThreadsMs: otherThreads ? r1(otherMs) : null, otherBlasThreads: otherThreads ?? null,
      ratioBest: torch ? r2(oursBest / best) : null,
      oursNoBlasMs: blasPkg ? r1(noBlasMs) : null, blasSpeedup: blasPkg ? r2(noBlasMs / oursMs) : null,
      ratioNoBlas: blasPkg && torch ? r2(noBlasMs / best) : null,
      torch1Ms: torch ? r1(t1) : null, torch2Ms: torch ? r1(t2) : null, torchBestThreads: torch ? (t1 <= t2 ? 1 : 2) : null,
      ratio: torch ? r2(oursMs / best) : null, numTensorsFlat: m.tensorsFlat, peakRssMB: m.peakRssMB, wasmHeapMB: m.wasmHeapMB || null,
      timesMs: { ours: m.ours, oursOther: m.oursOther, oursNoBlas: m.oursNoBlas, torch1: m.torch1.map(r1), torch2: m.torch2.map(r1) },
    };
  });
  printTable(`Training step, batch 128 (ms/step, median; ratio = ours (${blasThreads ?? 1} BLAS thread${blasThreads === 2 ? 's' : ''}) / PyTorch at its faster thread count; best = each side's faster)`, [
    ['family', 'ours', `ours, ${otherThreads ?? '-'} BLAS thr`, 'ours, native off', 'PyTorch 1 thr', 'PyTorch 2 thr', 'ratio', 'ratio, best', 'ratio, native off', 'native speed-up', 'tensors flat', 'peak RSS MB'],
    ...table.map((r) => [
      r.family + (r.T ? ` (T=${r.T}, 3 sleep)` : ''), r.oursMs, r.oursOtherThreadsMs ?? '-', r.oursNoBlasMs ?? '-', r.torch1Ms ?? '-', r.torch2Ms ?? '-', r.ratio === null ? '-' : `${r.ratio}x`,
      r.ratioBest === null ? '-' : `${r.ratioBest}x`,
      r.ratioNoBlas === null ? '-' : `${r.ratioNoBlas}x`, r.blasSpeedup === null ? '-' : `${r.blasSpeedup}x`, r.numTensorsFlat ? 'yes' : 'NO', r.peakRssMB,
    ]),
  ]);

  // ---- Levers ------------------------------------------------------------------------------------
  const levers = [];
  if (o.levers && backend.name === 'wasm') {
    const few = Math.max(2, Math.ceil(o.steps / 2));
    for (const family of o.families.filter((f) => LEVER_FAMILIES.includes(f))) {
      // Interleaved: on, off, on, off... so contention hits both sides alike.
      const variants = {
        'all levers on (default)': () => ours({ family, timed: few, warmup: 1 }),
        ...(blasPkg
          ? {
              'native products off (wasm kernels)': () => withoutBlas(() => ours({ family, timed: few, warmup: 1 })),
              ...(blasThreads !== 1 ? { 'native products, 1 BLAS thread': () => withBlasThreads(1, () => ours({ family, timed: few, warmup: 1 })) } : {}),
              ...(blasThreads !== 2 ? { 'native products, 2 BLAS threads': () => withBlasThreads(2, () => ours({ family, timed: few, warmup: 1 })) } : {}),
            }
          : {}),
        'matMul fix off (stock tfjs wasm kernels)': async () => {
          const run = async () => {
            core.uninstallMatMulFix();
            try {
              return await ours({ family, timed: 2, warmup: 1 });
            } finally {
              core.installMatMulFix();
            }
          };
          // The fix sits below the native products: it matters only with them off.
          return blasPkg ? withoutBlas(run) : run();
        },
        'fusion off (matMul, add, activation as separate ops)': async () => {
          nn.setDenseFusion(false);
          try {
            return await ours({ family, timed: few, warmup: 1 });
          } finally {
            nn.setDenseFusion(true);
          }
        },
        'fused Adam off (small variables too updated by 13 tfjs ops)': () => ours({ family, timed: few, warmup: 1, fusedAdam: false }),
        ...(family === 'ddvi'
          ? {
              // Not a speed lever but a cost: the guided steps run op by op and read the prior's score.
              'prior guidance on (last 5 steps, the default where the prior is known)': () => ours({ family: 'ddvi-guided', timed: few, warmup: 1 }),
              'fused reverse chain off (the chain op by op)': async () => {
                diffusion.setFusedReverseStep(false);
                try {
                  return await ours({ family, timed: few, warmup: 1 });
                } finally {
                  diffusion.setFusedReverseStep(true);
                }
              },
            }
          : {}),
        '2 workers (DataParallelTrainer)': () => ours({ family, workers: 2, timed: few, warmup: 1 }),
      };
      const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
      for (let round = 0; round < 2; round++) {
        for (const [name, run] of Object.entries(variants)) times[name].push(...(await run()).timesMs);
      }
      const base = median(times['all levers on (default)']);
      for (const [name, ts] of Object.entries(times)) {
        const ms = median(ts);
        // What the lever buys: ms/step without it over ms/step with it (> 1: it helps).
        const leverSpeedup = name.startsWith('2 workers') ? base / ms : ms / base;
        levers.push({ family, lever: name, msPerStep: r1(ms), leverSpeedup: name.startsWith('all') ? null : r2(leverSpeedup), timesMs: ts });
      }
      levers.push({ family, lever: 'host sync per update (guard read)', ...syncCost(family, base) });
      console.log(`levers ${family}: done`);
    }
    printTable('Levers (same run, interleaved; speed-up = ms/step without the lever / with it, > 1: the lever helps)', [
      ['family', 'variant', 'ms/step', 'lever speed-up'],
      ...levers.map((l) => [l.family, l.lever, l.msPerStep, l.note ?? (l.leverSpeedup === null ? '-' : `${l.leverSpeedup}x`)]),
    ]);
  }

  /**
   * What the one host read per update costs: the guard's reduction (sum of squares over every
   * gradient) and its dataSync, timed on tensors of the step's real gradient shapes, times the
   * updates per step (1 + the auxiliary losses' repeats).
   */
  function syncCost(family, stepMs) {
    const run = setup({ family, T, examples: BATCH });
    const posteriorVars = run.posterior.namedVariables();
    // The main update's gradients cover every variable; each auxiliary update only its own.
    const updates = [
      { vars: [...Object.values(run.model.namedVariables()), ...Object.values(posteriorVars)], repeats: 1 },
      ...run.posterior.auxiliaryLosses().map((a) => ({ vars: a.variables.map((k) => posteriorVars[k.replace(/^posterior\//, '')]).filter(Boolean), repeats: a.repeats ?? 1 })),
    ];
    const loss = tf.scalar(1);
    let total = 0;
    for (const u of updates) {
      const grads = u.vars.map((v) => tf.randomNormal(v.shape));
      const times = [];
      for (let i = 0; i < 12; i++) {
        const t0 = performance.now();
        const packed = tf.tidy(() => tf.stack([loss, tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))))]));
        packed.dataSync();
        packed.dispose();
        times.push(performance.now() - t0);
      }
      tf.dispose(grads);
      total += median(times.slice(2)) * u.repeats;
    }
    loss.dispose();
    run.posterior.dispose();
    run.model.dispose();
    const count = updates.reduce((n, u) => n + u.repeats, 0);
    return { msPerStep: r1(total), updatesPerStep: count, leverSpeedup: null, shareOfStep: r2(total / stepMs), note: `${r1((100 * total) / stepMs)}% of the step (${count} reads)` };
  }

  // ---- Ceiling: one matrix product ---------------------------------------------------------------
  // Every step above is mostly [128, 1000] x [1000, 1000]-sized products (forward and backward). How
  // fast each side multiplies matrices bounds the step ratio from below, whatever else is done.
  const gemm = { m: BATCH, k: 1000, n: 1000 };
  const gemmFlop = 2 * gemm.m * gemm.k * gemm.n;
  const ceiling = { shape: [[gemm.m, gemm.k], [gemm.k, gemm.n]], ours: [], oursNoBlas: [], torch1: [] };
  {
    const a = tf.randomNormal([gemm.m, gemm.k]);
    const b = tf.randomNormal([gemm.k, gemm.n]);
    const products = (into) => {
      for (let i = 0; i < 3 + 20; i++) {
        const t0 = performance.now();
        // No read back: wasm's (and tfjs-node's) kernels finish before matMul returns, and PyTorch's
        // side reads nothing either. A dataSync here copied the 512 KB result to the host, 1.8 ms of
        // the 4.4 ms this line reported before (the product itself: 2.6 ms).
        const c = tf.matMul(a, b);
        if (backend.name !== 'wasm' && backend.name !== 'tensorflow') c.dataSync();
        const dt = performance.now() - t0;
        c.dispose();
        if (i >= 3) into.push(dt);
      }
    };
    for (let round = 0; round < 2; round++) {
      // One BLAS thread, as PyTorch's side here.
      if (blasPkg) await withBlasThreads(1, () => products(ceiling.ours));
      else products(ceiling.ours);
      if (blasPkg) await withoutBlas(() => products(ceiling.oursNoBlas));
      if (torch) ceiling.torch1.push(...runTorch(torch.python, [{ family: 'gemm', ...gemm, threads: 1, steps: 20, warmup: 3 }])[0].times_ms);
    }
    tf.dispose([a, b]);
  }
  const gflops = (ms) => r1(gemmFlop / ms / 1e6);
  ceiling.oursMs = r2(median(ceiling.ours));
  ceiling.oursGflops = gflops(median(ceiling.ours));
  ceiling.torch1Ms = torch ? r2(median(ceiling.torch1)) : null;
  ceiling.torch1Gflops = torch ? gflops(median(ceiling.torch1)) : null;
  ceiling.ratio = torch ? r2(median(ceiling.ours) / median(ceiling.torch1)) : null;
  ceiling.oursNoBlasMs = blasPkg ? r2(median(ceiling.oursNoBlas)) : null;
  ceiling.oursNoBlasGflops = blasPkg ? gflops(median(ceiling.oursNoBlas)) : null;
  delete ceiling.oursNoBlas;
  delete ceiling.ours;
  delete ceiling.torch1;
  printTable('Ceiling: one [128, 1000] x [1000, 1000] product (ms, median of 40)', [
    ['', 'ms', 'GFLOP/s'],
    ['ours (' + (blasPkg ? 'wasm + native products' : backend.name) + ', 1 thread)', ceiling.oursMs, ceiling.oursGflops],
    ...(blasPkg ? [['ours, native products off (wasm, 1 thread)', ceiling.oursNoBlasMs, ceiling.oursNoBlasGflops]] : []),
    ['PyTorch (1 thread)', ceiling.torch1Ms ?? '-', ceiling.torch1Gflops ?? '-'],
  ]);
  if (ceiling.ratio !== null) {
    console.log(`a step made only of such products would be ${ceiling.ratio}x PyTorch's on one thread, ${r2(ceiling.ratio / 2)}x with 2 perfectly scaling workers`);
  }

  // ---- Scaling curves ----------------------------------------------------------------------------
  const curves = {};
  if (o.curves) {
    const c = o.full ? CURVES.full : CURVES.short;
    const short = { timed: Math.max(2, Math.ceil(o.steps / 2)), warmup: 1 };
    curves.batch = [];
    for (const batch of c.batches) {
      const a = await ours({ family: 'vae', batch, ...short });
      const b = torch ? runTorch(torch.python, [{ family: 'vae', batch, threads: 1, steps: short.timed, warmup: 1 }])[0] : undefined;
      curves.batch.push({ batch, oursMs: a.msPerStep, torch1Ms: b ? r1(median(b.times_ms)) : null });
      console.log(`curve batch ${batch}: ours ${a.msPerStep} ms/step${b ? `, PyTorch (1 thread) ${r1(median(b.times_ms))}` : ''}`);
    }
    curves.T = [];
    for (const steps of c.Ts) {
      const a = await ours({ family: 'ddvi', T: steps, ...short });
      curves.T.push({ T: steps, oursMs: a.msPerStep });
      console.log(`curve T ${steps}: ours ${a.msPerStep} ms/step`);
    }
    curves.workers = [];
    for (const family of ['vae', 'ddvi']) {
      for (const batch of family === 'vae' ? c.workerBatches : [BATCH]) {
        const one = await ours({ family, batch, ...short });
        const two = await ours({ family, batch, workers: 2, ...short });
        curves.workers.push({ family, batch, oneWorkerMs: one.msPerStep, twoWorkersMs: two.msPerStep, speedup: r2(one.msPerStep / two.msPerStep) });
        console.log(`curve workers ${family} batch ${batch}: 1 thread ${one.msPerStep}, 2 workers ${two.msPerStep} ms/step (${r2(one.msPerStep / two.msPerStep)}x)`);
      }
    }
  }

  const result = {
    benchmark: 'training-step-vs-pytorch', date: new Date().toISOString(),
    machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', loadAverageBefore: loadBefore, loadAverageAfter: loadavg().map(r2) },
    tfjsCore: tf.version_core, backend, tfjsNode, pytorch: torch ?? null,
    options: { steps: o.steps, warmup: o.warmup, rounds: o.rounds, full: o.full },
    note: 'ours and PyTorch alternate family by family (ABAB); on a shared machine absolute times move with the load, ratios from one run are what count',
    table, levers, ceiling, curves,
  };
  await core.writeFileAtomic(join(o.out, 'results.json'), JSON.stringify(result, null, 2) + '\n');
  if (o.curves) await plots(o.out, curves, core);
  console.log(`\nwrote ${join(o.out, 'results.json')}${o.curves ? ' and plots/*.svg, *.png' : ''}`);
}

function printTable(title, rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => String(row[c]).length)));
  console.log(`\n${title}`);
  rows.forEach((row, i) => {
    console.log(row.map((cell, c) => (c <= 1 && typeof cell === 'string' ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ').trimEnd());
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  });
  console.log('');
}

/** Line charts with vega-lite (the CLI's plotting library), written as SVG and PNG. */
async function plots(out, curves, core) {
  const req = createRequire(join(ROOT, 'apps', 'cli', 'package.json'));
  const vega = await import(pathToFileURL(req.resolve('vega')).href);
  const vl = await import(pathToFileURL(req.resolve('vega-lite')).href);
  const { Resvg } = req('@resvg/resvg-js');
  const chart = async (name, title, values, x, y, series, xTitle, yTitle, logX) => {
    const spec = {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json', title, width: 420, height: 260, data: { values },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: x, type: 'quantitative', title: xTitle, ...(logX ? { scale: { type: 'log', base: 2 } } : {}) },
        y: { field: y, type: 'quantitative', title: yTitle },
        ...(series ? { color: { field: series, type: 'nominal', title: null, legend: { labelLimit: 300, orient: 'bottom' } } } : {}),
      },
    };
    const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
    const svg = await view.toSVG();
    view.finalize();
    await core.writeFileAtomic(join(out, 'plots', `${name}.svg`), svg);
    const png = new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, background: 'white', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
    await core.writeFileAtomic(join(out, 'plots', `${name}.png`), png);
  };
  const batch = curves.batch.flatMap((p) => [
    { batch: p.batch, ms: p.oursMs, who: 'ours (tfjs wasm)' },
    ...(p.torch1Ms === null ? [] : [{ batch: p.batch, ms: p.torch1Ms, who: 'PyTorch CPU, 1 thread' }]),
  ]);
  await chart('ms-per-step-vs-batch', 'VAE training step vs batch size', batch, 'batch', 'ms', 'who', 'batch size', 'ms / step', true);
  await chart('ms-per-step-vs-T', 'DDVI training step vs T (batch 128, 3 sleep updates)', curves.T, 'T', 'oursMs', undefined, 'reverse steps T', 'ms / step', false);
  const workers = curves.workers.map((p) => ({ ...p, who: `${p.family}` }));
  await chart('workers-speedup', 'Speed-up of 2 workers over 1 thread', workers, 'batch', 'speedup', 'who', 'batch size', 'ms/step (1 thread) / ms/step (2 workers)', true);
}

main().catch((e) => {
  console.error(`bench-speed: ${e?.stack ?? e}`);
  process.exit(1);
});
