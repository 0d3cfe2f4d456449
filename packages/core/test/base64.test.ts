import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64 } from '../src/base64';

// Node's Buffer path against the browser path (atob/btoa), byte for byte.

function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

describe('base64', () => {
  for (const n of [0, 1, 2, 3, 4, 5, 100, 0x8000 * 2 + 7]) {
    it(`encodes and decodes ${n} bytes the same with Buffer and with btoa / atob`, () => {
      const b = bytes(n, n + 1);
      const native = bytesToBase64(b, true);
      const browser = bytesToBase64(b, false);
      expect(native).toBe(browser);
      expect(Array.from(base64ToBytes(native, true))).toEqual(Array.from(b));
      expect(Array.from(base64ToBytes(native, false))).toEqual(Array.from(b));
    });
  }

  it('encodes a view at an offset (a tensor inside a larger buffer) and decodes to an aligned copy', () => {
    const whole = bytes(64, 9);
    const view = whole.subarray(3, 3 + 16);
    expect(bytesToBase64(view, true)).toBe(bytesToBase64(view.slice(), false));
    const back = base64ToBytes(bytesToBase64(view, true), true);
    expect(back.byteOffset).toBe(0);
    expect(new Float32Array(back.buffer).length).toBe(4);
  });
});
