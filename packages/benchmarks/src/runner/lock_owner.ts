import { closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

/** Who holds a lock or a claim: written into the file so a refusal can name them. */
export interface LockOwner {
  pid: number;
  host: string;
  /** ISO time the owner took it. */
  startedAt: string;
  /** What the owner is running, e.g. "ddvi bench --preset quick". */
  command?: string;
  /** Random per-acquisition token, so a release never removes someone else's file. */
  token: string;
}

export function currentOwner(command?: string): LockOwner {
  return {
    pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), ...(command ? { command } : {}),
    token: `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
  };
}

/**
 * 'dead' only when the owner ran on this host and its pid is gone; another host's process cannot
 * be checked from here ('unknown'). (A recycled pid reads as alive: the safe side.)
 */
export function ownerLiveness(owner: LockOwner): 'alive' | 'dead' | 'unknown' {
  if (owner.host !== hostname()) return 'unknown';
  try {
    process.kill(owner.pid, 0);
    return 'alive';
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? 'alive' : 'dead';
  }
}

export function describeOwner(owner: LockOwner): string {
  return `pid ${owner.pid} on host ${owner.host}, started ${owner.startedAt}${owner.command ? ` (${owner.command})` : ''}`;
}

/** Parses a lock file's text; undefined when it is not one (torn by a crash mid-write, or foreign). */
export function parseOwner(text: string): LockOwner | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockOwner>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.startedAt === 'string' && typeof v.token === 'string') return v as LockOwner;
  } catch {
    // fall through
  }
  return undefined;
}

/** O_EXCL create: exactly one of several racing processes succeeds. */
export function createExclusive(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The owner recorded in a lock or claim file and the file's age; undefined when there is none. */
export function readOwner(path: string): { owner?: LockOwner; ageMs: number } | undefined {
  try {
    const ageMs = Date.now() - statSync(path).mtimeMs;
    return { owner: parseOwner(readFileSync(path, 'utf8')), ageMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
