import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { GridProgress } from '../src/grid_progress';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

describe('GridProgress', () => {
  it('estimates the time left from the computed cells only, and prints a line per computed cell', () => {
    const stdout = new Sink();
    let t = 0;
    const grid = new GridProgress({ stdout, stderr: new Sink(), env: {} }, 5, { interactive: false, now: () => t });
    expect(Number.isNaN(grid.etaSeconds)).toBe(true);
    grid.cellDone(0, true); // read back from an earlier run: free, and no line
    expect(Number.isNaN(grid.etaSeconds)).toBe(true);
    t = 30_000;
    grid.cellDone(30, false);
    t = 120_000;
    grid.cellDone(90, false);
    // 2 computed cells took 120 s: 60 s each, 2 cells left.
    expect(grid.etaSeconds).toBe(120);
    expect(stdout.text.trim().split('\n')).toEqual([
      'grid: 2/5 cells done, elapsed 30s, ETA 1m30s', // 1 computed cell of 30 s, 3 left
      'grid: 3/5 cells done, elapsed 2m00s, ETA 2m00s',
    ]);
    grid.cellDone(60, false);
    grid.cellDone(60, false);
    expect(grid.etaSeconds).toBe(0);
    grid.stop();
  });

  it('with a plan: the estimated seconds of the cells not done, at the pace so far, over the jobs', () => {
    const stdout = new Sink();
    const plan = {
      jobs: 2,
      cells: [
        { id: 'read-back', seconds: undefined },
        { id: 'mean-field', seconds: 10 },
        { id: 'ddvi-1', seconds: 100 },
        { id: 'ddvi-2', seconds: 100 },
        { id: 'pca', seconds: undefined },
      ],
    };
    const grid = new GridProgress({ stdout, stderr: new Sink(), env: {} }, 5, { interactive: false, now: () => 0, plan });
    // Nothing computed: the estimate as it is; the baseline has none and no mean yet.
    expect(Number.isNaN(grid.etaSeconds)).toBe(true);
    grid.cellDone(0, true, 'read-back');
    grid.cellDone(20, false, 'mean-field'); // twice its estimate: pace 2
    // ddvi-1 and ddvi-2 at 100 s x 2, pca at the computed mean (20 s), over 2 jobs.
    expect(grid.etaSeconds).toBeCloseTo((200 * 2 + 20) / 2, 9);
    grid.cellDone(150, false, 'ddvi-1'); // pace (20 + 150) / (10 + 100)
    expect(grid.etaSeconds).toBeCloseTo((100 * (170 / 110) + 85) / 2, 9);
    grid.cellDone(90, false, 'ddvi-2');
    grid.cellDone(5, false, 'pca');
    expect(grid.etaSeconds).toBe(0);
    grid.stop();
  });

  it('with a plan and no baseline, the ETA is known before the first cell', () => {
    const plan = { jobs: 1, cells: [{ id: 'a', seconds: 30 }, { id: 'b', seconds: 60 }] };
    const grid = new GridProgress({ stdout: new Sink(), stderr: new Sink(), env: {} }, 2, { interactive: false, now: () => 0, plan });
    expect(grid.etaSeconds).toBe(90);
    grid.stop();
  });
});
