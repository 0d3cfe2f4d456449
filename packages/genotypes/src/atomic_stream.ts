import { open, rename, rm, mkdir } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * A file written in chunks and published atomically: bytes go to a temp file beside the target,
 * `commit()` flushes it and renames it over the target (atomic on POSIX), `abort()` removes it.
 * Used instead of `writeFileAtomic` from `@ddvi/core` (same protocol) because simulated genotype
 * files can be far larger than memory and so cannot be handed over as one buffer.
 */
export class AtomicFileWriter {
  private handle: FileHandle | undefined;
  private done = false;
  readonly tmpPath: string;

  private constructor(
    readonly path: string,
    handle: FileHandle,
    tmpPath: string,
  ) {
    this.handle = handle;
    this.tmpPath = tmpPath;
  }

  static async open(path: string): Promise<AtomicFileWriter> {
    const dir = dirname(path);
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.${Math.floor(Math.random() * 1e9)}.tmp`);
    return new AtomicFileWriter(path, await open(tmp, 'w'), tmp);
  }

  async write(bytes: Uint8Array | string): Promise<void> {
    if (!this.handle) throw new Error(`AtomicFileWriter(${this.path}): write after commit/abort`);
    const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    let off = 0;
    while (off < buf.length) {
      const { bytesWritten } = await this.handle.write(buf, off, buf.length - off);
      off += bytesWritten;
    }
  }

  async commit(): Promise<void> {
    if (!this.handle || this.done) throw new Error(`AtomicFileWriter(${this.path}): commit after commit/abort`);
    const h = this.handle;
    this.handle = undefined;
    try {
      await h.sync();
    } finally {
      await h.close();
    }
    await rename(this.tmpPath, this.path);
    this.done = true;
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    const h = this.handle;
    this.handle = undefined;
    if (h) await h.close().catch(() => undefined);
    await rm(this.tmpPath, { force: true });
  }
}

/** Runs `body` with a writer for `path`, committing on success and removing the temp file on failure. */
export async function withAtomicFile<T>(path: string, body: (w: AtomicFileWriter) => Promise<T>): Promise<T> {
  const w = await AtomicFileWriter.open(path);
  try {
    const result = await body(w);
    await w.commit();
    return result;
  } catch (err) {
    await w.abort();
    throw err;
  }
}

/**
 * Collects small writes into chunks of about `chunkBytes` before passing them on, so the
 * per-write cost of the file system is paid once per chunk.
 */
export class ChunkedSink {
  private parts: Buffer[] = [];
  private size = 0;

  constructor(
    private readonly sink: (bytes: Buffer) => Promise<void>,
    private readonly chunkBytes = 1 << 20,
  ) {}

  async write(bytes: Buffer | string): Promise<void> {
    const b = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    this.parts.push(b);
    this.size += b.length;
    if (this.size >= this.chunkBytes) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const all = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    await this.sink(all);
  }
}
