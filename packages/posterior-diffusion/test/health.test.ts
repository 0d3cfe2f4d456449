import { describe, expect, it } from 'vitest';
import type { EpochRecord } from '@ddvi/core';
import { DEFAULT_CONFIG } from '../src/config';
import { boundCollapse } from '../src/health';

/** An epoch record with the bound's parts: bound = rec + logPz - encoderLogQ - chain. */
function epoch(i: number, rec: number, logPz: number, encoderLogQ = -2, chain = 1, phase = 'joint'): EpochRecord {
  const bound = rec + logPz - encoderLogQ - chain;
  const logRatio = encoderLogQ + chain;
  return { epoch: i, phase, seconds: 1, train: { bound, reconstruction: rec, kl: logRatio - logPz, logRatio, encoderLogQ, chainLogRatio: chain } };
}

describe('boundCollapse (DDVI health check)', () => {
  it('stays quiet while the bound improves or moves within noise', () => {
    const history = [epoch(0, -200, -480), epoch(1, -190, -480), epoch(2, -185, -380), epoch(3, -186, -390)];
    history.forEach((r, i) => expect(boundCollapse(r, history.slice(0, i + 1), 0.5)).toBeUndefined());
  });

  it('finds the 20,000-image collapse (-560 -> -1,726) and names log p(z) as the part that moved', () => {
    // The measured epoch means of issue 20: reconstruction -181 -> -220, KL 379 -> 1,506.
    const history = [epoch(0, -190, -490), epoch(1, -181, -380), epoch(2, -220, -1507)];
    const reason = boundCollapse(history[2]!, history, 0.5);
    expect(reason).toBeDefined();
    expect(reason).toMatch(/collapsed from -560\.0 \(epoch 2\) to -1726\.0/);
    expect(reason).toMatch(/the part that moved: log p\(z\) -1127\.0/);
    expect(reason).toMatch(/reconstruction -39\.0/);
  });

  it('names the chain when its log-ratio gave way', () => {
    const history = [epoch(0, -200, 0, -2, 1), epoch(1, -200, 0, -2, 400)];
    expect(boundCollapse(history[1]!, history, 0.5)).toMatch(/the part that moved: chain -log-ratio -399\.0/);
  });

  it('compares within a phase, ignores small drops, and is off at tolerance 0', () => {
    const pre = epoch(0, -100, 0, -2, 1, 'prior-pretrain');
    const joint = epoch(1, -400, 0, -2, 1);
    expect(boundCollapse(joint, [pre, joint], 0.5)).toBeUndefined();
    const small = [epoch(0, -60, 0), epoch(1, -95, 0)];
    expect(boundCollapse(small[1]!, small, 0.5)).toBeUndefined(); // 35 nats: below the 50-nat floor
    const big = [epoch(0, -200, -300), epoch(1, -200, -900)];
    expect(boundCollapse(big[1]!, big, 0)).toBeUndefined();
    expect(boundCollapse(big[1]!, big, 0.5)).toBeDefined();
  });

  it('at the default tolerance, lets a noisy quick-MNIST run go on and still stops the 20,000-image collapse', () => {
    const tol = DEFAULT_CONFIG.collapseTolerance;
    // Epoch means of a quick-preset run with varianceFloor 1e-3 (-550.6, -586.3, -1015.1): noisy, short of twice the best.
    const noisy = [epoch(0, -250, -303), epoch(1, -200, -389), epoch(2, -230, -787)];
    noisy.forEach((r, i) => expect(boundCollapse(r, noisy.slice(0, i + 1), tol)).toBeUndefined());
    const collapse = [epoch(0, -190, -490), epoch(1, -181, -380), epoch(2, -220, -1507)];
    expect(boundCollapse(collapse[2]!, collapse, tol)).toMatch(/log p\(z\)/);
  });

  it('reports a non-finite bound', () => {
    const r: EpochRecord = { epoch: 3, phase: 'joint', seconds: 1, train: { bound: Number.NaN } };
    expect(boundCollapse(r, [r], 0.5)).toBe('train bound is NaN at epoch 4');
  });
});
