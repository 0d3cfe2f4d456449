import { existsSync } from 'node:fs';
import type { Cell } from './cell';
import { claimCell, claimPath, describeClaim } from './cell_claim';
import { inspectCell } from './cell_store';
import type { CellResult } from './cell_store';

export interface CellOutcome {
  result: CellResult;
  /** True when the cell's file was already there (nothing was trained). */
  cached: boolean;
}

export interface ComputeOnceOptions {
  /** Computes the cell and writes its file; called under the cell's claim. */
  compute: () => Promise<CellResult>;
  /** What holds the claim, shown to another writer that finds it. */
  command: string;
  /** A claim whose heartbeat stopped this long ago is taken over (ms, default DEFAULT_STALE_MS). */
  staleMs?: number;
  /** How often to look again at a cell another writer is computing (ms, default 1000). */
  pollMs?: number;
  /** Called once when another live writer holds the claim and this one starts waiting. */
  onBusy?: (heldBy: string) => void;
}

/**
 * A cell computed by exactly one writer: its verified file is read back when there; otherwise the
 * cell is claimed (`<out>/cells/<id>.claim`) and computed, or, while another live writer holds the
 * claim, waited for (until its file appears or the claim goes stale).
 */
export async function computeOnce(out: string, cell: Cell, options: ComputeOnceOptions): Promise<CellOutcome> {
  const claimOptions = { command: options.command, ...(options.staleMs !== undefined ? { staleMs: options.staleMs } : {}) };
  let waiting = false;
  for (;;) {
    const now = inspectCell(out, cell);
    if (now.state === 'done') {
      clearStaleClaim(out, cell, claimOptions);
      return { result: now.result, cached: true };
    }
    const claim = claimCell(out, cell, claimOptions);
    if ('claimed' in claim) {
      try {
        // Another writer may have finished it between our look and our claim.
        const again = inspectCell(out, cell);
        return again.state === 'done' ? { result: again.result, cached: true } : { result: await options.compute(), cached: false };
      } finally {
        claim.claimed.release();
      }
    }
    if (!waiting) options.onBusy?.(describeClaim(claim));
    waiting = true;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
  }
}

/** A finished cell's claim left by a writer killed between writing the cell and releasing it: removed once stale. */
function clearStaleClaim(out: string, cell: Cell, options: { command: string; staleMs?: number }): void {
  if (!existsSync(claimPath(out, cell))) return;
  const claim = claimCell(out, cell, options);
  if ('claimed' in claim) claim.claimed.release();
}
