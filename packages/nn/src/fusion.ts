/**
 * Whether `Dense` runs as one `tf.fused.matMul` (matMul + bias + activation in one kernel where
 * the backend has it) or as separate matMul, add and activation ops. On by default; the switch
 * exists so the speed benchmark (scripts/bench-speed.mjs) can measure what fusion buys on each
 * backend, and as an escape hatch should a backend's fused kernel misbehave.
 */
let fused = true;

export function setDenseFusion(enabled: boolean): void {
  if (typeof enabled !== 'boolean') throw new TypeError(`setDenseFusion: enabled must be true or false, got ${JSON.stringify(enabled)}`);
  fused = enabled;
}

export function isDenseFusionEnabled(): boolean {
  return fused;
}
