// Checkpoints must load in the browser playground too: atob/btoa exist in both Node >= 16 and
// browsers. Node's Buffer, where there is one, does the same encoding natively: the string-building
// path took 23 s of a 48 s quick-preset cell (four checkpoints of 3.6 M parameters with Adam's
// moments, a node --cpu-prof profile), Buffer a fraction of a second.
const CHUNK = 0x8000;

interface BufferLike {
  toString(encoding: 'base64'): string;
  buffer: ArrayBuffer;
  byteOffset: number;
  byteLength: number;
}
interface BufferStatic {
  from(buffer: ArrayBuffer, byteOffset: number, length: number): BufferLike;
  from(text: string, encoding: 'base64'): BufferLike;
}
const NodeBuffer = (globalThis as { Buffer?: BufferStatic }).Buffer;

export function bytesToBase64(bytes: Uint8Array, native = NodeBuffer !== undefined): string {
  if (native && NodeBuffer) return NodeBuffer.from(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

export function base64ToBytes(text: string, native = NodeBuffer !== undefined): Uint8Array {
  if (native && NodeBuffer) {
    const b = NodeBuffer.from(text, 'base64');
    // A copy: Buffer's bytes may sit in a shared pool, and callers view them as floats.
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength).slice();
  }
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
