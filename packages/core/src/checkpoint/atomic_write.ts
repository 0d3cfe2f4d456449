/**
 * Writes a file (a string, bytes, or chunks of bytes in order) so that readers see either the old
 * or the new content, never a torn one: write a temp file beside it, flush it, then rename over the
 * target (atomic on POSIX filesystems).
 * Node only; imported lazily so core stays loadable in browsers.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array | readonly Uint8Array[]): Promise<void> {
  const fs = await import('node:fs/promises');
  const { dirname, basename, join } = await import('node:path');
  const dir = dirname(path);
  await fs.mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const handle = await fs.open(tmp, 'w');
  try {
    // Chunks are written in order, never joined: a checkpoint's are the size of its weights.
    if (Array.isArray(data)) for (const chunk of data as readonly Uint8Array[]) await writeAll(handle, chunk);
    else await handle.writeFile(data as string | Uint8Array);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, path);
}

async function writeAll(handle: import('node:fs/promises').FileHandle, chunk: Uint8Array): Promise<void> {
  for (let done = 0; done < chunk.byteLength; ) done += (await handle.write(chunk, done, chunk.byteLength - done)).bytesWritten;
}
