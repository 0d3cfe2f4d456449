/**
 * The all-reduce of data-parallel training: every worker writes its values into its own slot of a
 * SharedArrayBuffer, waits for the others, and adds the slots up in slot order, so each worker
 * computes bit-identical sums (float addition is not associative; a fixed order makes it
 * deterministic). Workers block on `Atomics.wait`, which worker threads may do.
 */

/** Bytes before the slots: the barrier's generation and arrival counters. */
const CONTROL_BYTES = 64;

/** Size in bytes of the buffer `shardReducer` needs for `count` slots of `slotFloats` values. */
export function reducerBufferBytes(count: number, slotFloats: number): number {
  return CONTROL_BYTES + count * slotFloats * Float32Array.BYTES_PER_ELEMENT;
}

/** The reducer of shard `index` (0-based) of `count` over `buffer` (see `reducerBufferBytes`). */
export function shardReducer(buffer: SharedArrayBuffer, index: number, count: number, slotFloats: number): (values: Float32Array) => Float32Array {
  const control = new Int32Array(buffer, 0, 2);
  const slots = Array.from({ length: count }, (_, s) => new Float32Array(buffer, CONTROL_BYTES + s * slotFloats * 4, slotFloats));
  const barrier = () => {
    const generation = Atomics.load(control, 0);
    if (Atomics.add(control, 1, 1) === count - 1) {
      Atomics.store(control, 1, 0);
      Atomics.add(control, 0, 1);
      Atomics.notify(control, 0);
    } else {
      while (Atomics.load(control, 0) === generation) Atomics.wait(control, 0, generation);
    }
  };
  return (values) => {
    if (values.length > slotFloats) {
      throw new Error(`shardReducer: ${values.length} values do not fit a slot of ${slotFloats}; the workers' models differ in size`);
    }
    slots[index]!.set(values);
    barrier();
    const sum = new Float32Array(values.length);
    for (const slot of slots) for (let i = 0; i < sum.length; i++) sum[i]! += slot[i]!;
    // Nobody may overwrite a slot (the next update) before every worker has read all of them.
    barrier();
    return sum;
  };
}
