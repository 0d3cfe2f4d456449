import { checkPositive, checkPositiveInt } from '@ddvi/core';
import { mustBe } from '../datasets/validate';
import { lbfgs } from './lbfgs';
import { compactLabels, toLabels, toPoints, toTrainTest, type LabelsInput, type Points, type PointsInput } from './points';

export interface LogisticRegressionOptions {
  trainX: PointsInput;
  trainY: LabelsInput;
  testX: PointsInput;
  testY: LabelsInput;
  /** Inverse L2 strength as sklearn's C: minimises C * sum(cross-entropy) + |W|^2 / 2 (default 1). */
  c?: number;
  /** L-BFGS iterations (default 1000). */
  maxIter?: number;
}

export interface LogisticRegressionModel {
  /** The class label values, in increasing order; row c of `weights` belongs to classes[c]. */
  classes: Int32Array;
  /** Row-major [nClasses, dim]. */
  weights: Float64Array;
  /** [nClasses], not penalised (as sklearn). */
  intercepts: Float64Array;
  converged: boolean;
}

/**
 * Multinomial (softmax) logistic regression with an L2 penalty on the weights, fit by L-BFGS
 * from zero (so deterministic), as sklearn's `LogisticRegression()` defaults (lbfgs,
 * multinomial, C = 1, intercept unpenalised), run to convergence rather than sklearn's 100
 * iterations.
 *
 * Why not `ml-logistic-regression`: it fits one-vs-rest binary models by fixed-step gradient
 * descent without a penalty and has almost no users; the softmax likelihood and its gradient
 * are a few loops here.
 */
export function fitLogisticRegression(x: PointsInput, y: LabelsInput, options: { c?: number; maxIter?: number } = {}): LogisticRegressionModel {
  const where = 'fitLogisticRegression';
  const points = toPoints(where, 'x', x);
  const labels = toLabels(where, 'y', y, points.n);
  return fit(where, points, labels, options);
}

/** Predicted label of each point (the class of highest score; ties: the smaller label). */
export function predictLogisticRegression(model: LogisticRegressionModel, x: PointsInput): Int32Array {
  const where = 'predictLogisticRegression';
  const points = toPoints(where, 'x', x);
  const dim = model.weights.length / model.classes.length;
  if (points.dim !== dim) mustBe(where, 'x', `points of dimension ${dim} (as the model)`, `dimension ${points.dim}`);
  const K = model.classes.length;
  const out = new Int32Array(points.n);
  for (let i = 0; i < points.n; i++) {
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < K; c++) {
      let s = model.intercepts[c]!;
      for (let j = 0; j < dim; j++) s += model.weights[c * dim + j]! * points.data[i * dim + j]!;
      if (s > bestScore) {
        bestScore = s;
        best = c;
      }
    }
    out[i] = model.classes[best]!;
  }
  return out;
}

/** Accuracy on the test latents of a logistic regression fit on the train latents (the latent-space linear probe). */
export function logisticRegressionAccuracy(options: LogisticRegressionOptions): number {
  const where = 'logisticRegressionAccuracy';
  const { train, trainY, test, testY } = toTrainTest(where, options);
  const model = fit(where, train, trainY, options);
  const predicted = predictLogisticRegression(model, { data: test.data, dim: test.dim });
  let correct = 0;
  for (let i = 0; i < test.n; i++) if (predicted[i] === testY[i]) correct++;
  return correct / test.n;
}

function fit(where: string, points: Points, labels: Int32Array, options: { c?: number; maxIter?: number }): LogisticRegressionModel {
  const C = checkPositive(where, 'c', options.c ?? 1);
  const maxIter = checkPositiveInt(where, 'maxIter', options.maxIter ?? 1000);
  const { codes, values } = compactLabels(labels);
  const { data, n, dim } = points;
  const K = values.length;
  const P = K * (dim + 1); // per class: dim weights then the intercept
  const probs = new Float64Array(K);
  // Objective divided by C * n (same minimiser), so tolerances do not scale with the data size.
  const penalty = 1 / (C * n);
  const fg = (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let f = 0;
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let c = 0; c < K; c++) {
        const o = c * (dim + 1);
        let s = theta[o + dim]!;
        for (let j = 0; j < dim; j++) s += theta[o + j]! * data[i * dim + j]!;
        probs[c] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let c = 0; c < K; c++) sum += probs[c] = Math.exp(probs[c]! - max);
      const yi = codes[i]!;
      f -= Math.log(probs[yi]! / sum);
      for (let c = 0; c < K; c++) {
        const r = probs[c]! / sum - (c === yi ? 1 : 0);
        const o = c * (dim + 1);
        for (let j = 0; j < dim; j++) grad[o + j]! += r * data[i * dim + j]!;
        grad[o + dim]! += r;
      }
    }
    f /= n;
    for (let p = 0; p < P; p++) grad[p]! /= n;
    for (let c = 0; c < K; c++) {
      for (let j = 0; j < dim; j++) {
        const w = theta[c * (dim + 1) + j]!;
        f += 0.5 * penalty * w * w;
        grad[c * (dim + 1) + j]! += penalty * w;
      }
    }
    return f;
  };
  const result = lbfgs(fg, new Float64Array(P), { maxIter, gradTol: 1e-7 });
  const weights = new Float64Array(K * dim);
  const intercepts = new Float64Array(K);
  for (let c = 0; c < K; c++) {
    for (let j = 0; j < dim; j++) weights[c * dim + j] = result.x[c * (dim + 1) + j]!;
    intercepts[c] = result.x[c * (dim + 1) + dim]!;
  }
  return { classes: values, weights, intercepts, converged: result.converged };
}
