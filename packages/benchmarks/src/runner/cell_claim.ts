import { linkSync, mkdirSync, renameSync, unlinkSync, utimesSync } from 'node:fs';
import { dirname } from 'node:path';
import { cellPath } from './cell_store';
import type { Cell } from './cell';
import { createExclusive, currentOwner, describeOwner, ownerLiveness, readOwner } from './lock_owner';
import type { LockOwner } from './lock_owner';

/**
 * A per-cell claim, `<out>/cells/<id>.claim`: whoever creates it (O_EXCL) computes the cell; others
 * skip it. Distinct cells have distinct claims, so writers on many hosts (a Slurm array) proceed in
 * parallel, and no two ever compute one cell. The holder touches the file every HEARTBEAT_MS; a
 * claim whose pid is dead on this host, or whose heartbeat stopped STALE_MS ago on any host, is
 * stale and may be taken.
 */

export const HEARTBEAT_MS = 30_000;
export const DEFAULT_STALE_MS = 10 * 60_000;

export interface CellClaim {
  readonly path: string;
  readonly owner: LockOwner;
  /** The stale claim this one replaced. */
  readonly tookOver?: LockOwner;
  release(): void;
}

export type ClaimResult = { claimed: CellClaim } | { heldBy: LockOwner | undefined; path: string };

export function claimPath(out: string, cell: Cell): string {
  return cellPath(out, cell).replace(/\.json$/, '.claim');
}

function tryCreate(path: string, owner: LockOwner): boolean {
  return createExclusive(path, JSON.stringify(owner));
}

function isStale(held: { owner?: LockOwner; ageMs: number }, staleMs: number): boolean {
  if (held.ageMs > staleMs) return true;
  return held.owner !== undefined && ownerLiveness(held.owner) === 'dead';
}

/** Claims a cell for this process, or says who holds it. */
export function claimCell(out: string, cell: Cell, options: { command?: string; staleMs?: number } = {}): ClaimResult {
  const path = claimPath(out, cell);
  mkdirSync(dirname(path), { recursive: true });
  const owner = currentOwner(options.command);
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  let tookOver: LockOwner | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, owner)) return { claimed: holding(path, owner, tookOver) };
    const held = readOwner(path);
    if (!held) continue;
    if (!isStale(held, staleMs)) return { heldBy: held.owner, path };
    // Stale: rename it aside (atomic; only one taker's rename succeeds), then claim afresh.
    const aside = `${path}.${owner.token}.stale`;
    try {
      renameSync(path, aside);
      const moved = readOwner(aside);
      if (moved?.owner?.token === held.owner?.token) {
        tookOver = held.owner;
      } else {
        // We moved a fresh claim another taker made in between: put it back (link fails rather than overwrite).
        try {
          linkSync(aside, path);
        } catch {
          // A third claim appeared meanwhile; the fresh one we moved is lost to its owner's release only.
        }
      }
      unlinkSync(aside);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  const held = readOwner(path);
  return { heldBy: held?.owner, path };
}

function holding(path: string, owner: LockOwner, tookOver: LockOwner | undefined): CellClaim {
  const beat = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(path, now, now);
    } catch {
      // The folder went away: the release below has nothing to do either.
    }
  }, HEARTBEAT_MS);
  beat.unref();
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    clearInterval(beat);
    process.removeListener('exit', release);
    const held = readOwner(path);
    if (held?.owner?.token === owner.token) unlinkSync(path);
  };
  process.on('exit', release);
  return { path, owner, ...(tookOver ? { tookOver } : {}), release };
}

export function describeClaim(result: { heldBy: LockOwner | undefined; path: string }): string {
  return result.heldBy ? `claimed by ${describeOwner(result.heldBy)}` : `claimed (${result.path})`;
}
