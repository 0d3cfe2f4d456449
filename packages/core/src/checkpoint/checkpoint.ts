import type { AdamState } from '../optim/adam';
import type { JsonValue, SerializedModule } from '../types/serialized';
import { writeFileAtomic } from './atomic_write';
import { decodeBinaryCheckpoint, encodeBinaryCheckpoint, isBinaryCheckpoint } from './checkpoint_binary';
import { CheckpointError } from './checkpoint_error';

export { CheckpointError } from './checkpoint_error';

export interface EpochRecord {
  epoch: number;
  phase: string;
  train: Record<string, number>;
  test?: Record<string, number>;
  seconds: number;
}

/** Everything needed to continue a run exactly where it stopped. */
export interface CheckpointPayload {
  /** Optimizer steps done (the next step to run has this index). */
  step: number;
  /** Epoch the next step belongs to, and its position in that epoch. */
  epoch: number;
  stepInEpoch: number;
  seed: number;
  settings: { [key: string]: JsonValue };
  model: SerializedModule;
  posterior: SerializedModule;
  optimizers: Record<string, AdamState>;
  history: EpochRecord[];
  skippedSteps: number;
  /** Running sums of the current epoch's train terms when saved mid-epoch. */
  partialEpoch?: { sums: Record<string, number>; counted: number };
}

const FORMAT = 'ddvi-checkpoint';
const VERSION = 1;

/** The JSON form (version 1): one self-contained text, weights in base64. Serializes with a SHA-256 of the payload so a corrupt or hand-edited file is refused on load. */
export async function encodeCheckpoint(payload: CheckpointPayload): Promise<string> {
  const body = JSON.stringify(payload);
  return `{"format":"${FORMAT}","version":${VERSION},"sha256":"${await sha256(body)}","payload":${body}}`;
}

export async function decodeCheckpoint(text: string, source = 'checkpoint'): Promise<CheckpointPayload> {
  let parsed: { format?: unknown; version?: unknown; sha256?: unknown; payload?: unknown };
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(`${source}: not valid JSON (${(e as Error).message}); the file is truncated or corrupt`);
  }
  if (parsed.format !== FORMAT) throw new CheckpointError(`${source}: format must be "${FORMAT}", got ${JSON.stringify(parsed.format)}`);
  if (parsed.version !== VERSION) throw new CheckpointError(`${source}: version must be ${VERSION}, got ${JSON.stringify(parsed.version)}`);
  const body = JSON.stringify(parsed.payload);
  const digest = await sha256(body);
  if (digest !== parsed.sha256) {
    throw new CheckpointError(`${source}: checksum mismatch (stored ${String(parsed.sha256)}, computed ${digest}); the file is corrupt`);
  }
  return parsed.payload as CheckpointPayload;
}

/**
 * Writes a checkpoint atomically. A path ending in `.json` gets the JSON form (`encodeCheckpoint`'s
 * text: portable, readable by any JSON tool); any other path the binary form (./checkpoint_binary),
 * about 20x faster to write for an MNIST network with Adam's moments. `loadCheckpoint` reads both.
 */
export async function saveCheckpoint(path: string, payload: CheckpointPayload): Promise<void> {
  await writeFileAtomic(path, path.endsWith('.json') ? await encodeCheckpoint(payload) : await encodeBinaryCheckpoint(payload));
}

export async function loadCheckpoint(path: string): Promise<CheckpointPayload> {
  const fs = await import('node:fs/promises');
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (e) {
    throw new CheckpointError(`checkpoint not found or unreadable: ${path} (${(e as Error).message})`);
  }
  return isBinaryCheckpoint(bytes) ? decodeBinaryCheckpoint(bytes, path) : decodeCheckpoint(new TextDecoder().decode(bytes), path);
}

async function sha256(text: string): Promise<string> {
  const bytes = new TextEncoder().encode(text);
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
