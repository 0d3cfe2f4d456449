import { deflateRawSync } from 'node:zlib';

/**
 * BGZF ("blocked gzip", the format of `bgzip` and of `.vcf.gz` files with tabix indexes; SAM/BAM
 * spec §4.1): a series of gzip members of at most 64 KiB each, every member carrying a `BC` extra
 * subfield with its compressed size, closed by a fixed empty member (the EOF marker). Any gzip
 * reader that reads concatenated members (zlib's gunzip stream does) reads it as plain gzip.
 */

/** Largest uncompressed payload per block (bgzip's own choice: 0xff00, leaving room for overhead). */
export const BGZF_BLOCK_DATA = 0xff00;

/** The 28-byte empty block every BGZF file ends with. */
export const BGZF_EOF = Uint8Array.from([
  0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 0x06, 0, 0x42, 0x43, 0x02, 0, 0x1b, 0, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0,
]);

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 (IEEE, as gzip uses), computed here because `zlib.crc32` needs Node >= 20.15. */
export function crc32(bytes: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** One BGZF block holding `data` (at most BGZF_BLOCK_DATA bytes). */
export function bgzfBlock(data: Uint8Array, level = 6): Buffer {
  if (data.length > BGZF_BLOCK_DATA) throw new RangeError(`bgzfBlock: at most ${BGZF_BLOCK_DATA} bytes per block, got ${data.length}`);
  const cdata = deflateRawSync(data, { level });
  const total = 18 + cdata.length + 8;
  if (total > 65536) throw new RangeError(`bgzfBlock: compressed block of ${total} bytes exceeds 64 KiB`);
  const out = Buffer.alloc(total);
  out.set([0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 6, 0, 0x42, 0x43, 2, 0], 0);
  out.writeUInt16LE(total - 1, 16);
  out.set(cdata, 18);
  out.writeUInt32LE(crc32(data), 18 + cdata.length);
  out.writeUInt32LE(data.length, 22 + cdata.length);
  return out;
}

/**
 * Streaming BGZF compressor: `write` buffers bytes and emits full blocks to `sink`, `end` emits
 * the last partial block and the EOF marker.
 */
export class BgzfWriter {
  private buf = Buffer.alloc(BGZF_BLOCK_DATA);
  private used = 0;

  constructor(
    private readonly sink: (bytes: Buffer) => Promise<void>,
    private readonly level = 6,
  ) {}

  async write(bytes: Uint8Array | string): Promise<void> {
    const b = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    let off = 0;
    while (off < b.length) {
      const n = Math.min(BGZF_BLOCK_DATA - this.used, b.length - off);
      this.buf.set(b.subarray(off, off + n), this.used);
      this.used += n;
      off += n;
      if (this.used === BGZF_BLOCK_DATA) await this.flushBlock();
    }
  }

  private async flushBlock(): Promise<void> {
    if (this.used === 0) return;
    const block = bgzfBlock(this.buf.subarray(0, this.used), this.level);
    this.used = 0;
    await this.sink(block);
  }

  async end(): Promise<void> {
    await this.flushBlock();
    await this.sink(Buffer.from(BGZF_EOF));
  }
}
