import fc from 'fast-check';
import { DdviError } from '@ddvi/core';

/** One way to damage a file: cut it, flip bits, overwrite bytes, or splice in a run of one byte. */
export type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; bits: [number, number][] }
  | { kind: 'overwrite'; bytes: [number, number][] }
  | { kind: 'splice'; at: number; length: number; byte: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), bits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 6 }) }),
  fc.record({ kind: fc.constant('overwrite' as const), bytes: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }), byte: fc.integer({ min: 0, max: 255 }) }),
);

/**
 * fast-check draws small naturals most often; scrambling them (a multiplicative hash) spreads the
 * damage over the whole file instead of piling it on the first bytes.
 */
const spread = (p: number): number => Math.imul(p + 1, 0x9e3779b1) >>> 0;

/** A damaged copy of `bytes` (the input is left alone). */
export function mutate(input: Uint8Array, m: Mutation): Uint8Array {
  // A copy first: Buffer#slice aliases, and a damaged original would poison every later case.
  const bytes = Uint8Array.from(input);
  const n = bytes.length;
  if (n === 0) return bytes;
  switch (m.kind) {
    case 'truncate':
      return bytes.slice(0, spread(m.at) % n);
    case 'flip': {
      const out = bytes.slice();
      for (const [i, b] of m.bits) out[spread(i) % n]! ^= 1 << b;
      return out;
    }
    case 'overwrite': {
      const out = bytes.slice();
      for (const [i, v] of m.bytes) out[spread(i) % n] = v;
      return out;
    }
    case 'splice': {
      const at = spread(m.at) % (n + 1);
      const out = new Uint8Array(n + m.length);
      out.set(bytes.subarray(0, at), 0);
      out.fill(m.byte, at, at + m.length);
      out.set(bytes.subarray(at), at + m.length);
      return out;
    }
  }
}

/** Resolves with `work`'s outcome or rejects after `ms`: a reader that hangs fails the case instead of the suite. */
export async function withinTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms (a hang)`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Tally of how each fuzz case ended, printed by the tests so the case counts can be reported. */
export class Outcomes {
  ok = 0;
  rejected = 0;
  readonly messages = new Map<string, number>();
  get total(): number {
    return this.ok + this.rejected;
  }
  record(error?: Error): void {
    if (!error) {
      this.ok++;
      return;
    }
    this.rejected++;
    const key = error.message.replace(/\/[^\s:]*/g, '<path>').replace(/\d+/g, 'N').slice(0, 90);
    this.messages.set(key, (this.messages.get(key) ?? 0) + 1);
  }
  summary(reader: string): string {
    if (process.env.DDVI_FUZZ_VERBOSE) console.log([...this.messages]);
    return `fuzz ${reader}: ${this.total} cases, ${this.ok} read cleanly, ${this.rejected} rejected with a clear error (${this.messages.size} distinct messages)`;
  }
}

/** The seed of every fuzz run (DDVI_SEED overrides it, to reproduce or vary a run). */
export const FUZZ_SEED = Number(process.env.DDVI_SEED ?? 17);

/** Time each fuzz case has to end. */
export const CASE_MS = 5_000;
/** Cases per reader; DDVI_FUZZ_RUNS raises it for a longer local hunt (CI keeps 200). */
export const RUNS = Number(process.env.DDVI_FUZZ_RUNS ?? 200);

/** Runs one case: it must end within CASE_MS in a result or a DdviError (ValidationError or a named subclass); tallies which. */
export async function outcome(work: () => Promise<unknown>, what: string, tally: Outcomes): Promise<void> {
  try {
    await withinTimeout(work(), CASE_MS, what);
    tally.record();
  } catch (e) {
    if (!(e instanceof DdviError)) throw new Error(`${what}: ended in ${(e as Error)?.name}: ${(e as Error)?.message}, not in a DdviError`, { cause: e });
    tally.record(e);
  }
}
