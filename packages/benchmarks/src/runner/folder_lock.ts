import { unlinkSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DdviError } from '@ddvi/core';
import { createExclusive, currentOwner, describeOwner, ownerLiveness, readOwner } from './lock_owner';
import type { LockOwner } from './lock_owner';

export const LOCK_FILE = '.ddvi-bench.lock';

/** Another live process holds the results folder. */
export class FolderLockedError extends DdviError {
  constructor(
    readonly dir: string,
    readonly owner: LockOwner | undefined,
    detail: string,
  ) {
    super(`${dir} is in use by another ddvi bench: ${detail}`);
  }
}

export interface FolderLock {
  readonly path: string;
  readonly owner: LockOwner;
  /** The stale lock this one replaced (its process had died), to tell the user. */
  readonly tookOver?: LockOwner;
  release(): void;
}

function removeIfOurs(path: string, token: string): void {
  const held = readOwner(path);
  if (held?.owner?.token === token) unlinkSync(path);
}

/** A lock file torn by a crash mid-write is stale once it is this old (its writer would have finished in microseconds). */
const TORN_STALE_MS = 10_000;

/**
 * Takes `<dir>/.ddvi-bench.lock` for this process: a JSON file naming the pid, host, start time and
 * command. A second process is refused with a FolderLockedError naming the owner. A lock whose pid
 * is dead on this host is stale and taken over (`tookOver` says whose it was); a lock from another
 * host is never taken over automatically. Takeover is serialized by a short-lived
 * `.ddvi-bench.lock.takeover` file, so two processes finding one stale lock cannot both win.
 * The lock is released by `release()` and, as a last resort, on process exit.
 */
export function acquireFolderLock(dir: string, command?: string): FolderLock {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  const owner = currentOwner(command);
  const text = `${JSON.stringify(owner, null, 2)}\n`;
  let tookOver: LockOwner | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createExclusive(path, text)) return held(path, owner, tookOver);
    const current = readOwner(path);
    if (!current) continue; // released between our two calls: try again
    const { owner: other, ageMs } = current;
    const state = other ? ownerLiveness(other) : ageMs > TORN_STALE_MS ? 'dead' : 'alive';
    if (state !== 'dead') {
      const who = other ? describeOwner(other) : 'a lock file being written right now';
      const hint = state === 'unknown'
        ? `it runs on another host, so this host cannot tell whether it is still alive; if it is not, remove ${path}`
        : `wait for it to finish or stop it; its results so far are kept`;
      throw new FolderLockedError(dir, other, `${who}; ${hint}`);
    }
    // Stale: take it over under the takeover mutex, re-checking that it is still the same stale lock.
    const mutex = `${path}.takeover`;
    const m = readOwner(mutex);
    if (m && m.ageMs > TORN_STALE_MS) unlinkSync(mutex);
    if (!createExclusive(mutex, text)) continue;
    try {
      const again = readOwner(path);
      if (again && again.owner?.token === other?.token) {
        unlinkSync(path);
        tookOver = other;
      }
    } finally {
      removeIfOurs(mutex, owner.token);
    }
  }
  throw new FolderLockedError(dir, undefined, `could not take ${path} after 5 attempts (other processes keep taking it)`);
}

function held(path: string, owner: LockOwner, tookOver: LockOwner | undefined): FolderLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    try {
      removeIfOurs(path, owner.token);
    } catch {
      // Already gone (the folder was removed): nothing to release.
    }
  };
  process.on('exit', release);
  return { path, owner, ...(tookOver ? { tookOver } : {}), release };
}
