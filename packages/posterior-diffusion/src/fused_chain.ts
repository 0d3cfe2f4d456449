import * as tf from '@tensorflow/tfjs-core';
import { hasResidual } from './denoiser';
import type { ConditionalDenoiser } from './denoiser';
import type { PriorGuidance } from './prior_guidance';
import { REVERSE_STEP_GRAD, fusedReverseStep } from './step_kernel';
import type { ReverseStepAttrs } from './step_kernel';

/** What the whole reverse chain gives (the trajectory's parts, before the encoder's terms are added). */
export interface FusedChain {
  /** [T + 1, B, d]: index t holds y_t (from `last`: [T - last + 2, B, d], index j holds y_{last - 1 + j}). */
  states: tf.Tensor3D;
  /** [T, B, d]: index t - 1 holds the mean of step t, with prior guidance's step where it applies (from `last`: index t - last). */
  means: tf.Tensor3D;
  /** [B]: sum over the steps of log q(y_{t-1} | y_t, x). */
  logQ: tf.Tensor1D;
  /** [B]: sum over the steps of the Rao-Blackwellized terms (ReverseTrajectory.smoothedLogRatio less the encoder's). */
  smoothed: tf.Tensor1D;
}

/**
 * The whole reverse chain y_T -> y_0 (denoiser and reverse step, T times) as one differentiable op
 * with a hand-written backward pass (`tf.customGrad`), the same function as the op-by-op chain.
 *
 * Why: recorded op by op, the chain is ~100 small kernels per step forward and backward (each
 * denoiser layer's product, bias, embedding row, ReLU and residual, the tape's copies of every saved
 * tensor, one gradient accumulation per variable per step), which made it the largest part of a
 * DDVI training step. Here the forward runs untaped (~12 kernels a step), saves the layers' inputs
 * stacked over the steps, and the backward runs the steps in reverse with only what must be
 * sequential (the step's gradient kernel, each layer's ReLU mask and input gradient, ~19 kernels a
 * step); every weight, bias and embedding gradient is then one product or sum over all T steps at
 * once. Results equal the op path's to float32 rounding (tested, values and gradients); sums run in
 * another order, so they are not the same bits.
 *
 * `noise` is [T, B, d] (index t - 1: step t's draw), `steps[t]` step t's constants (step_kernel.ts).
 * The chain runs steps T..`last` (default 1: the whole chain; a later `last` leaves the steps below
 * it to the caller): `states` then holds y_{last-1}..y_T and `means` the means of steps last..T.
 *
 * With prior `guidance` (whole chains only), each of its steps t <= K shifts the step's mean by
 * eta_t grad log p(m_t) (prior_guidance.ts) inside the op: the step kernel gives the unguided mean,
 * the prior's score is read there and the kernel runs again with the shift. The shift's gradient
 * gives eta_t's, and through it the learned s_t's; with `gradient: 'curvature'` the backward pass
 * also carries the step's eta H term to y_t and the denoiser, as the op path does. Op by op, each
 * guided step was ~100 kernels forward and 3-4x that backward. It needs a prior with its own
 * `score`: autodiff of logProb cannot run inside an op's forward pass (tfjs records no tape there).
 */
export function fusedChain(
  denoiser: ConditionalDenoiser, yT: tf.Tensor2D, context: tf.Tensor2D, noise: tf.Tensor3D, steps: ReverseStepAttrs[],
  options: { last?: number; guidance?: PriorGuidance } = {},
): FusedChain {
  const { last = 1, guidance } = options;
  const { hidden, head } = denoiser.parameters();
  const L = hidden.length;
  const T = steps.length - 1;
  /** Steps this op runs. */
  const n = T - last + 1;
  const K = guidance?.steps ?? 0;
  if (guidance && last !== 1) throw new Error('fusedChain: prior guidance runs only in a whole chain (last = 1)');
  const [B, d] = yT.shape;
  const c = context.shape[1];
  const params = [...hidden.flatMap((l) => [l.weight, l.bias, l.embedding]), head.weight, head.bias, ...(guidance ? [guidance.logScale] : [])];
  // eta_t = scale_t sigmoid(s_t) for t = 1..K.
  const etaScale = Array.from({ length: K }, (_, i) => guidance!.stepScale(i + 1));
  const chain = tf.customGrad((...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [y0, ctx, ...p] = args as tf.Tensor[];
    const W = hidden.map((_, i) => p[3 * i] as tf.Tensor2D);
    const Wh = p[3 * L] as tf.Tensor2D;
    const bh = p[3 * L + 1]!;
    const gate = guidance ? tf.sigmoid(p[3 * L + 2]!) : undefined;
    const etas = gate ? tf.unstack(tf.mul(tf.tensor1d(etaScale), gate)) : [];
    const gateValues = gate ? gate.dataSync() : new Float32Array(0);
    // Each guided step's limit factors (prior_guidance.ts, `limitedScore`), index t - 1.
    const factors: Float64Array[] = [];
    const noShift = tf.zeros([B, d]) as tf.Tensor2D;
    // Each guided step's score and unguided mean (index t - 1) and every step's shift (in the order the steps run).
    const scores: tf.Tensor2D[] = [];
    const raws: tf.Tensor2D[] = [];
    const shifts: tf.Tensor2D[] = [];
    // Each layer's bias plus its embedding row, one [w] tensor per step (index t - 1).
    const rows = hidden.map((_, i) => splitOnHost(tf.add(p[3 * i + 2]!, p[3 * i + 1]!)));
    const draws = splitOnHost(noise) as tf.Tensor2D[];
    let y = y0 as tf.Tensor2D;
    // In the order the steps run (t = T..1): each step's y_t, the inputs of every layer and of the head, the ReLUs' outputs, the denoiser's outputs.
    const ys: tf.Tensor2D[] = [];
    const layerInputs: tf.Tensor2D[][] = hidden.map(() => []);
    const relus: tf.Tensor2D[][] = hidden.map(() => []);
    const headInputs: tf.Tensor2D[] = [];
    const outs: tf.Tensor2D[] = [];
    const states: tf.Tensor2D[] = [y];
    const means: tf.Tensor2D[] = [];
    let logQ: tf.Tensor | undefined;
    let smoothed: tf.Tensor | undefined;
    for (let t = T; t >= last; t--) {
      ys.push(y);
      let h = tf.concat([y, ctx!], 1) as tf.Tensor2D;
      const acts: tf.Tensor2D[] = [];
      for (let i = 0; i < L; i++) {
        layerInputs[i]!.push(h);
        // ReLU as its own op: tf.fused.matMul with an activation runs unfused (product, bias add, activation) under a gradient tape.
        const r = tf.relu(tf.fused.matMul({ a: h, b: W[i]!, bias: rows[i]![t - 1]! })) as tf.Tensor2D;
        relus[i]!.push(r);
        h = hasResidual(i) ? (tf.add(r, acts[i - 2]!) as tf.Tensor2D) : r;
        acts.push(h);
      }
      headInputs.push(h);
      const out = tf.fused.matMul({ a: h, b: Wh, bias: bh }) as tf.Tensor2D;
      outs.push(out);
      let shift = noShift;
      if (t <= K) {
        const [, raw] = fusedReverseStep(y, out, draws[t - 1]!, noShift, steps[t]!);
        const limited = guidance!.limitedScore(raw as tf.Tensor2D, t, etaScale[t - 1]! * gateValues[t - 1]!);
        const score = limited.score;
        factors[t - 1] = limited.factors;
        scores[t - 1] = score;
        raws[t - 1] = raw as tf.Tensor2D;
        shift = tf.mul(etas[t - 1]!, score) as tf.Tensor2D;
      }
      shifts.push(shift);
      const [next, mean, stepLogQ, stepSmoothed] = fusedReverseStep(y, out, draws[t - 1]!, shift, steps[t]!);
      means.push(mean);
      logQ = logQ ? tf.add(logQ, stepLogQ) : stepLogQ;
      smoothed = smoothed ? tf.add(smoothed, stepSmoothed) : stepSmoothed;
      y = next;
      states.push(y);
    }
    // One flat output: the states [T + 1, B, d] by index 0..T, the means [T, B, d] by index, then the two sums [B]
    // (flat, so that every part is one contiguous slice: wasm's Slice and SplitV across columns are slow).
    const value = tf.concat([tf.reshape(tf.stack(states.reverse()), [-1]), tf.reshape(tf.stack(means.reverse()), [-1]), logQ!, smoothed!], 0);
    // What the backward pass reads each step is saved step by step, not stacked and split: wasm's
    // Slice (under SplitV, Unpack) is slow (splitOnHost below). The layers' inputs, read only by the
    // weight gradients, are saved stacked.
    save([...ys, ...outs, ...relus.flat(), noise, ...layerInputs.map((xs) => tf.concat(xs, 0)), tf.concat(headInputs, 0), ...shifts, ...scores, ...raws, ...(gate ? [gate] : [])]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      // Step k of the saved lists and stacks is t = T - k.
      const ySteps = saved.slice(0, n) as tf.Tensor2D[];
      const outSteps = saved.slice(n, 2 * n) as tf.Tensor2D[];
      const masks = hidden.map((_, i) => saved.slice((2 + i) * n, (3 + i) * n).map((r) => tf.step(r)));
      let at = (2 + L) * n;
      const drawSteps = splitOnHost(saved[at++]!) as tf.Tensor2D[];
      const inputsAll = saved.slice(at, at + L) as tf.Tensor2D[];
      const headAll = saved[at + L] as tf.Tensor2D;
      at += L + 1;
      const shiftSteps = saved.slice(at, at + n) as tf.Tensor2D[];
      const scoreSteps = saved.slice(at + n, at + n + K) as tf.Tensor2D[];
      const rawSteps = saved.slice(at + n + K, at + n + 2 * K) as tf.Tensor2D[];
      const savedGate = saved[at + n + 2 * K];
      const curvature = guidance?.gradient === 'curvature';
      // The output's gradient in its parts, read once on the host: dStates[j] is y_{last - 1 + j}'s,
      // dMeans[j] step (last + j)'s, then log q's and the smoothed sum's.
      const flat = dy.dataSync() as Float32Array;
      const part = (at: number, shape: number[]): tf.Tensor => tf.tensor(flat.slice(at, at + tf.util.sizeFromShape(shape)), shape);
      const dStates = Array.from({ length: n + 1 }, (_, j) => part(j * B * d, [B, d]));
      const dMeans = Array.from({ length: n }, (_, j) => part((n + 1 + j) * B * d, [B, d]));
      const gQ = part((2 * n + 1) * B * d, [B]);
      const gS = part((2 * n + 1) * B * d + B, [B]);
      // Layer 0 reads [y, context]: its weight's rows for y give y's gradient each step; the context's
      // gradient is linear in the steps' pre-activation gradients, so it is one product after the loop.
      const W0y = tf.slice(W[0]!, [0, 0], [d, -1]);
      const W0c = tf.slice(W[0]!, [d, 0], [c, -1]);
      // Gradients in step order t = 1..T: each layer's pre-activation and the denoiser's output.
      const dPre: tf.Tensor[][] = hidden.map(() => []);
      const dOut: tf.Tensor[] = [];
      // Each guided step's d / d eta_t = sum(d / d mean_t * score_t), t = 1..K.
      const dEta: tf.Tensor[] = [];
      let g = dStates[0]!; // d / d y_{last - 1}
      for (let t = last; t <= T; t++) {
        const k = T - t;
        const stepInputs = { y: ySteps[k]!, out: outSteps[k]!, n: drawSteps[t - 1]!, shift: shiftSteps[k]! };
        const grads = tf.engine().runKernel(REVERSE_STEP_GRAD, {
          ...stepInputs, gNext: g, gMean: dMeans[t - last]!, gQ, gS,
        }, steps[t] as unknown as tf.NamedAttrMap) as tf.Tensor[];
        const dmean = grads[2]!;
        let [dyStep, dout] = grads as [tf.Tensor, tf.Tensor];
        if (t <= K) {
          dEta.push(tf.sum(tf.mul(dmean, scoreSteps[t - 1]!)));
          if (curvature) {
            // The guided step's Jacobian I + eta H (prior_guidance.ts): eta H dmean more on the unguided
            // mean, taken back to y_t and the denoiser's output by the same kernel (it is linear in its
            // incoming gradients; with only gMean it is the mean's own chain rule).
            const eta = etaScale[t - 1]! * gateValues[t - 1]!;
            const extra = guidance!.curvatureProduct(rawSteps[t - 1]!, dmean as tf.Tensor2D, factors[t - 1]!.map((c) => c * eta));
            const [dyExtra, doutExtra] = tf.engine().runKernel(REVERSE_STEP_GRAD, {
              ...stepInputs, gNext: tf.zerosLike(g), gMean: extra, gQ: tf.zerosLike(gQ), gS: tf.zerosLike(gS),
            }, steps[t] as unknown as tf.NamedAttrMap) as tf.Tensor[];
            dyStep = tf.add(dyStep!, dyExtra!);
            dout = tf.add(dout!, doutExtra!);
          }
        }
        dOut.push(dout!);
        const gAct: (tf.Tensor | undefined)[] = new Array(L);
        gAct[L - 1] = tf.matMul(dout!, Wh, false, true);
        for (let i = L - 1; i >= 0; i--) {
          const gi = gAct[i]!;
          if (hasResidual(i)) gAct[i - 2] = gAct[i - 2] ? tf.add(gAct[i - 2]!, gi) : gi;
          const dp = tf.mul(gi, masks[i]![k]!);
          dPre[i]!.push(dp);
          if (i > 0) {
            const gIn = tf.matMul(dp, W[i]!, false, true);
            gAct[i - 1] = gAct[i - 1] ? tf.add(gAct[i - 1]!, gIn) : gIn;
          } else {
            g = tf.add(tf.add(dyStep!, tf.matMul(dp, W0y, false, true)), dStates[t - last + 1]!);
          }
        }
      }
      // Every step's share at once, rows in the saved stacks' order (t = T..1). Sums over the batch
      // are products with ones: wasm's Sum over a leading or middle axis transposes first (11 ms a
      // training step at T = 40, against 1 for the products). The context's gradient sums the steps
      // with AddN: as a product with ones (a [1, T] row times the steps reshaped to [T, B w]) it
      // corrupted stock wasm's heap at T = 1 (docs/tfjs-traps.md).
      const grads: tf.Tensor[] = [g, tf.zeros([B, c])];
      const batchOnes = tf.ones([n, 1, B]);
      hidden.forEach((_, i) => {
        if (i === 0) grads[1] = tf.matMul(tf.addN(dPre[0]!), W0c, false, true);
        const dp = tf.concat(dPre[i]!.reverse(), 0) as tf.Tensor2D;
        const w = dp.shape[1];
        const perStep = tf.reshape(tf.matMul(batchOnes, tf.reshape(dp, [n, B, w])), [n, w]);
        // Embedding rows of steps 1..T; the rows of steps below `last` are not used here.
        const rowsGrad = last > 1 ? tf.concat([tf.zeros([last - 1, w]), tf.reverse(perStep, 0)], 0) : tf.reverse(perStep, 0);
        grads.push(tf.matMul(inputsAll[i]!, dp, true, false), tf.sum(perStep, 0), rowsGrad);
      });
      const dh = tf.concat(dOut.reverse(), 0) as tf.Tensor2D;
      grads.push(tf.matMul(headAll, dh, true, false), tf.reshape(tf.matMul(tf.ones([1, n * B]), dh), [dh.shape[1]]));
      // d eta_t / d s_t = scale_t sigmoid(s_t) (1 - sigmoid(s_t)).
      if (savedGate) grads.push(tf.mul(tf.stack(dEta), tf.mul(tf.tensor1d(etaScale), tf.mul(savedGate, tf.sub(1, savedGate)))));
      return grads;
    };
    return { value, gradFunc };
  });
  return tf.tidy(() => {
    const packed = chain(yT, context, ...params) as tf.Tensor1D;
    const S = (n + 1) * B * d;
    const M = n * B * d;
    return {
      states: tf.reshape(tf.slice(packed, [0], [S]), [n + 1, B, d]) as tf.Tensor3D,
      means: tf.reshape(tf.slice(packed, [S], [M]), [n, B, d]) as tf.Tensor3D,
      logQ: tf.slice(packed, [S + M], [B]) as tf.Tensor1D,
      smoothed: tf.slice(packed, [S + M + B], [B]) as tf.Tensor1D,
    };
  });
}

/**
 * x split along its first axis into fresh tensors, through the host: wasm's Unpack slices each part
 * out with a kernel that is slow for this layout (5 ms for a [41, 128, 2] stack, 1.3 ms for a
 * [40, 128] one), a heap read and one upload per part is not. Fresh tensors also have the shape
 * they are used with ([w], not a [1, w] view), which wasm's stock _FusedMatMul checks for a bias.
 */
function splitOnHost(x: tf.Tensor): tf.Tensor[] {
  const [n, ...shape] = x.shape;
  const size = tf.util.sizeFromShape(shape);
  const data = x.dataSync() as Float32Array;
  return Array.from({ length: n! }, (_, i) => tf.tensor(data.slice(i * size, (i + 1) * size), shape, 'float32'));
}
