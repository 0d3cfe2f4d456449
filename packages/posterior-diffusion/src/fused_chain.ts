import * as tf from '@tensorflow/tfjs-core';
import { hasResidual } from './denoiser';
import type { ConditionalDenoiser } from './denoiser';
import { REVERSE_STEP_GRAD, fusedReverseStep } from './step_kernel';
import type { ReverseStepAttrs } from './step_kernel';

/** What the whole reverse chain gives (the trajectory's parts, before the encoder's terms are added). */
export interface FusedChain {
  /** [T + 1, B, d]: index t holds y_t (from `last`: [T - last + 2, B, d], index j holds y_{last - 1 + j}). */
  states: tf.Tensor3D;
  /** [T, B, d]: index t - 1 holds the mean of step t (from `last`: index t - last). */
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
 * DDVI training step. Here the forward runs untaped (12 kernels a step), saves the layers' inputs
 * stacked over the steps, and the backward runs the steps in reverse with only what must be
 * sequential (the step's gradient kernel, each layer's ReLU mask and input gradient, ~19 kernels a
 * step); every weight, bias and embedding gradient is then one product or sum over all T steps at
 * once. Results equal the op path's to float32 rounding (tested, values and gradients); sums run in
 * another order, so they are not the same bits.
 *
 * `noise` is [T, B, d] (index t - 1: step t's draw), `steps[t]` step t's constants (step_kernel.ts).
 * The chain runs steps T..`last` (default 1: the whole chain; a later `last` leaves the steps below
 * it to the caller, as prior guidance does): `states` then holds y_{last-1}..y_T and `means` the
 * means of steps last..T.
 */
export function fusedChain(denoiser: ConditionalDenoiser, yT: tf.Tensor2D, context: tf.Tensor2D, noise: tf.Tensor3D, steps: ReverseStepAttrs[], last = 1): FusedChain {
  const { hidden, head } = denoiser.parameters();
  const L = hidden.length;
  const T = steps.length - 1;
  /** Steps this op runs. */
  const n = T - last + 1;
  const [B, d] = yT.shape;
  const c = context.shape[1];
  const params = [...hidden.flatMap((l) => [l.weight, l.bias, l.embedding]), head.weight, head.bias];
  const chain = tf.customGrad((...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [y0, ctx, ...p] = args as tf.Tensor[];
    const W = hidden.map((_, i) => p[3 * i] as tf.Tensor2D);
    const Wh = p[3 * L] as tf.Tensor2D;
    const bh = p[3 * L + 1]!;
    // Each layer's bias plus its embedding row, one [w] tensor per step (index t - 1). Cloned: wasm's
    // stock _FusedMatMul checks the bias's shape as first allocated, and an unstacked row's is [1, w].
    const rows = hidden.map((_, i) => tf.unstack(tf.add(p[3 * i + 2]!, p[3 * i + 1]!)).map((r) => tf.clone(r)));
    const draws = tf.unstack(noise) as tf.Tensor2D[];
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
        const r = tf.relu(tf.fused.matMul({ a: h, b: W[i]!, bias: rows[i]![t - 1]! })) as tf.Tensor2D;
        relus[i]!.push(r);
        h = hasResidual(i) ? (tf.add(r, acts[i - 2]!) as tf.Tensor2D) : r;
        acts.push(h);
      }
      headInputs.push(h);
      const out = tf.fused.matMul({ a: h, b: Wh, bias: bh }) as tf.Tensor2D;
      outs.push(out);
      const [next, mean, stepLogQ, stepSmoothed] = fusedReverseStep(y, out, draws[t - 1]!, steps[t]!);
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
    // Slice (under SplitV, Unpack) copies its whole input to the host first, ~100 ms for a [T B, w] stack.
    // The layers' inputs, read only by the weight gradients, are saved stacked.
    save([...ys, ...outs, ...relus.flat(), noise, ...layerInputs.map((xs) => tf.concat(xs, 0)), tf.concat(headInputs, 0)]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      // Step k of the saved lists and stacks is t = T - k.
      const ySteps = saved.slice(0, n) as tf.Tensor2D[];
      const outSteps = saved.slice(n, 2 * n) as tf.Tensor2D[];
      const masks = hidden.map((_, i) => saved.slice((2 + i) * n, (3 + i) * n).map((r) => tf.step(r)));
      let at = (2 + L) * n;
      const drawSteps = tf.unstack(saved[at++]!) as tf.Tensor2D[];
      const inputsAll = saved.slice(at, at + L) as tf.Tensor2D[];
      const headAll = saved[at + L] as tf.Tensor2D;
      const S = (n + 1) * B * d;
      const M = n * B * d;
      // dStates[j] is y_{last - 1 + j}'s, dMeans[j] step (last + j)'s.
      const dStates = tf.unstack(tf.reshape(tf.slice(dy, [0], [S]), [n + 1, B, d]));
      const dMeans = tf.unstack(tf.reshape(tf.slice(dy, [S], [M]), [n, B, d]));
      const gQ = tf.slice(dy, [S + M], [B]);
      const gS = tf.slice(dy, [S + M + B], [B]);
      // Layer 0 reads [y, context]: its weight's rows for y give y's gradient each step; the context's
      // gradient is linear in the steps' pre-activation gradients, so it is one product after the loop.
      const W0y = tf.slice(W[0]!, [0, 0], [d, -1]);
      const W0c = tf.slice(W[0]!, [d, 0], [c, -1]);
      // Gradients in step order t = 1..T: each layer's pre-activation and the denoiser's output.
      const dPre: tf.Tensor[][] = hidden.map(() => []);
      const dOut: tf.Tensor[] = [];
      let g = dStates[0]!; // d / d y_{last - 1}
      for (let t = last; t <= T; t++) {
        const k = T - t;
        const [dyStep, dout] = tf.engine().runKernel(REVERSE_STEP_GRAD, {
          y: ySteps[k]!, out: outSteps[k]!, n: drawSteps[t - 1]!, gNext: g, gMean: dMeans[t - last]!, gQ, gS,
        }, steps[t] as unknown as tf.NamedAttrMap) as tf.Tensor[];
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
      // Every step's share at once, rows in the saved stacks' order (t = T..1).
      const grads: tf.Tensor[] = [g, tf.zeros([B, c])];
      hidden.forEach((_, i) => {
        const dp = tf.concat(dPre[i]!.reverse(), 0) as tf.Tensor2D;
        const stepped = tf.reshape(dp, [n, B, dp.shape[1]]);
        if (i === 0) grads[1] = tf.matMul(tf.sum(stepped, 0), W0c, false, true);
        const perStep = tf.sum(stepped, 1);
        // Embedding rows of steps 1..T; the rows of steps below `last` are not used here.
        const rowsGrad = last > 1 ? tf.concat([tf.zeros([last - 1, dp.shape[1]]), tf.reverse(perStep, 0)], 0) : tf.reverse(perStep, 0);
        grads.push(tf.matMul(inputsAll[i]!, dp, true, false), tf.sum(perStep, 0), rowsGrad);
      });
      const dh = tf.concat(dOut.reverse(), 0) as tf.Tensor2D;
      grads.push(tf.matMul(headAll, dh, true, false), tf.sum(dh, 0));
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
