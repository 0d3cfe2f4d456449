/**
 * Counter-based seeding. Every random draw in ddvi takes its seed from a SeedStream, so a run is a
 * pure function of (root seed, step): resuming at step n replays exactly what an uninterrupted run
 * would have drawn, without storing any generator state beyond two integers.
 */
export class SeedStream {
  private counter: number;

  constructor(
    readonly seed: number,
    counter = 0,
  ) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`SeedStream: seed must be an integer in [0, 2^32), got ${seed}`);
    }
    this.counter = counter;
  }

  /** A fresh 31-bit seed (tfjs' seeded ops hash it further with seedrandom). */
  next(): number {
    return mix32(this.seed, this.counter++) >>> 1;
  }

  /** An independent stream derived from this one and a label (e.g. the step or epoch number). */
  fork(label: number | string): SeedStream {
    const l = typeof label === 'number' ? label : hashString(label);
    return new SeedStream(mix32(this.seed ^ 0x9e3779b9, l) >>> 0);
  }

  /** Uniform float in [0, 1), for host-side decisions (shuffling, subsets). */
  uniform(): number {
    return mix32(this.seed, this.counter++) / 4294967296;
  }

  state(): { seed: number; counter: number } {
    return { seed: this.seed, counter: this.counter };
  }

  static fromState(state: { seed: number; counter: number }): SeedStream {
    return new SeedStream(state.seed, state.counter);
  }
}

/** splitmix32-style finalizer of (a, b): well mixed, cheap, identical on every platform. */
function mix32(a: number, b: number): number {
  let z = (a + Math.imul(b + 1, 0x9e3779b9)) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export type SeedLike = number | SeedStream;

export function toSeedStream(seed: SeedLike): SeedStream {
  return typeof seed === 'number' ? new SeedStream(seed >>> 0) : seed;
}
