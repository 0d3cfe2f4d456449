import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { ValidationError } from '@ddvi/core';
import { IDX_DEFAULT_MAX_BYTES, parseIdx } from './idx';
import type { IdxArray, IdxReadOptions } from './idx';

// Node only: the parser in ./idx.ts has no file access, so browsers can use it (@ddvi/benchmarks/browser).

/** Reads and parses an IDX file; a name ending in `.gz` is gunzipped first (bounded by maxBytes). */
export async function readIdxFile(path: string, options: IdxReadOptions = {}): Promise<IdxArray> {
  const maxBytes = options.maxBytes ?? IDX_DEFAULT_MAX_BYTES;
  let raw: Uint8Array;
  try {
    raw = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      const hint = options.notFoundHint ? `; ${options.notFoundHint}` : '';
      throw new ValidationError(`${options.what ?? 'IDX'} file not found: ${path}${hint}`);
    }
    throw err;
  }
  if (path.endsWith('.gz')) raw = gunzip(raw, path, maxBytes);
  return parseIdx(raw, path, { maxBytes });
}

function gunzip(raw: Uint8Array, path: string, maxBytes: number): Uint8Array {
  try {
    return gunzipSync(raw, { maxOutputLength: maxBytes });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new ValidationError(`IDX file ${path}: decompresses to more than the ${maxBytes}-byte limit (maxBytes)`);
    }
    throw new ValidationError(`IDX file ${path}: the name ends in .gz but gunzip failed: ${e.message}`);
  }
}
