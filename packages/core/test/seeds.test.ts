import { describe, expect, it } from 'vitest';
import { SeedStream, permutation, schedulePhases } from '../src';

describe('SeedStream and shuffling', () => {
  it('replays the same seeds from the same state and forks independent streams', () => {
    const a = new SeedStream(42);
    const first = [a.next(), a.next(), a.next()];
    expect([new SeedStream(42).next(), new SeedStream(42, 1).next()]).toEqual(first.slice(0, 2));
    expect(SeedStream.fromState(a.state()).next()).toBe(a.next());
    expect(new SeedStream(42).fork(1).next()).not.toBe(new SeedStream(42).fork(2).next());
    expect(new SeedStream(42).fork('epoch:0').next()).toBe(new SeedStream(42).fork('epoch:0').next());
    expect(() => new SeedStream(-1)).toThrow(/seed must be an integer in \[0, 2\^32\), got -1/);
  });

  it('permutes 0..n-1 deterministically, with roughly uniform positions', () => {
    const p = permutation(1000, new SeedStream(1));
    expect([...p].sort((x, y) => x - y)).toEqual([...Array(1000).keys()]);
    expect(Array.from(permutation(1000, new SeedStream(1)))).toEqual(Array.from(p));
    // Position of element 0 over many seeds: mean near (n-1)/2 for n = 10 (4.5 +- 0.3).
    let sum = 0;
    for (let s = 0; s < 2000; s++) sum += permutation(10, new SeedStream(s)).indexOf(0);
    expect(Math.abs(sum / 2000 - 4.5)).toBeLessThan(0.3);
  });

  it('schedules phases by fraction and count', () => {
    const all = () => true;
    const s = schedulePhases([{ name: 'warm', epochs: { count: 3 }, trainable: all }, { name: 'main', epochs: { fraction: 1 }, trainable: all }], 10);
    expect(s.map((p) => [p.spec.name, p.start, p.end])).toEqual([['warm', 0, 3], ['main', 3, 10]]);
    const f = schedulePhases([{ name: 'a', epochs: { fraction: 0.3 }, trainable: all }, { name: 'b', epochs: { fraction: 0.7 }, trainable: all }], 100);
    expect(f.map((p) => p.end - p.start)).toEqual([30, 70]);
    expect(() => schedulePhases([{ name: 'a', epochs: { fraction: 0.5 }, trainable: all }], 10)).toThrow(/fractions must sum to 1, got 0.5/);
  });
});
