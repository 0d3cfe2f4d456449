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
});
