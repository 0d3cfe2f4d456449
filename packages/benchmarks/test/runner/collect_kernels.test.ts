import { describe, expect, it } from 'vitest';
import type { CellResult } from '../../src/index';
import { withCellKernels } from '../../src/runner/collect';

const BACKEND = { name: 'wasm', reason: 'frozen in grid.json' };

/** A cell record with only what the report's backend line reads: its timing. */
function cell(kernels?: string): CellResult {
  return { timing: { startedAt: '', finishedAt: '', wallSeconds: 1, trainSeconds: 1, msPerStep: 1, ...(kernels ? { kernels } : {}) } } as CellResult;
}

describe('withCellKernels (the report names the kernels the cells ran on)', () => {
  it('takes the one kernels string every cell recorded over the caller', () => {
    const k = 'wasm + OpenBLAS 0.3.21, 1 thread';
    expect(withCellKernels(BACKEND, [cell(k), cell(k)])).toEqual({ ...BACKEND, kernels: k });
    expect(withCellKernels({ ...BACKEND, kernels: 'wasm + OpenBLAS 0.3.21, 2 threads' }, [cell(k)]).kernels).toBe(k);
  });

  it('counts the cells of each when they differ, and those that recorded none', () => {
    const got = withCellKernels(BACKEND, [cell('wasm'), cell('wasm + OpenBLAS 0.3.21, 1 thread'), cell('wasm'), cell()]);
    expect(got.kernels).toBe('wasm (2 cells); wasm + OpenBLAS 0.3.21, 1 thread (1 cell); not recorded (1 cell)');
  });

  it("keeps the caller's backend when no cell recorded its kernels (files from before the record)", () => {
    expect(withCellKernels(BACKEND, [cell(), cell()])).toEqual(BACKEND);
    expect(withCellKernels(BACKEND, [])).toEqual(BACKEND);
  });
});
