import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ValidationError } from '@ddvi/core';

/** True when the file starts with the gzip magic bytes 0x1f 0x8b (plain gzip and BGZF alike). */
export async function isGzipFile(path: string, what = 'file'): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw notFound(err, path, what);
  }
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await handle.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/**
 * A byte stream of the file, gunzipped when it starts with the gzip magic (whatever its name).
 * BGZF (bgzip's output) is a series of concatenated gzip members; zlib's gunzip stream reads
 * every member, not only the first, so `.vcf.gz` from bgzip and from gzip both work.
 */
export async function openMaybeGzip(path: string, what = 'file'): Promise<Readable> {
  const gz = await isGzipFile(path, what);
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (!gz) return raw;
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  raw.on('error', (err) => gunzip.destroy(err));
  gunzip.on('error', () => raw.destroy());
  return raw.pipe(gunzip);
}

/**
 * Async iterator over the lines of a (possibly gzipped) text file, without their line endings
 * (`\n` or `\r\n`). A gzip error surfaces as a ValidationError naming the file.
 */
export async function* readLines(path: string, what = 'file'): AsyncGenerator<string> {
  const stream = await openMaybeGzip(path, what);
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of rl) yield line;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code?.startsWith('Z_')) throw new ValidationError(`${what} ${path}: gunzip failed (${e.code}: ${e.message}); is the file truncated?`);
    throw err;
  } finally {
    rl.close();
    stream.destroy();
  }
}

export function notFound(err: unknown, path: string, what: string): unknown {
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new ValidationError(`${what} not found: ${path}`);
  return err;
}
