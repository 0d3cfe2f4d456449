import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FolderLockedError, LOCK_FILE, acquireFolderLock, claimCell, claimPath, describeOwner } from '../../src/index';
import type { Cell } from '../../src/index';

/** A pid that is certainly dead: a child that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

const owner = (pid: number, host = hostname()) => ({ pid, host, startedAt: '2026-01-02T03:04:05.000Z', command: 'ddvi bench --preset quick', token: `t${pid}` });

describe('folder lock', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ddvi-lock-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second holder, naming the owner pid, host and start time', () => {
    const first = acquireFolderLock(dir, 'ddvi bench first');
    expect(() => acquireFolderLock(dir, 'ddvi bench second')).toThrow(FolderLockedError);
    try {
      acquireFolderLock(dir);
    } catch (e) {
      expect((e as Error).message).toBe(
        `${dir} is in use by another ddvi bench: ${describeOwner(first.owner)}; wait for it to finish or stop it; its results so far are kept`,
      );
      expect((e as Error).message).toContain(`pid ${process.pid} on host ${hostname()}, started ${first.owner.startedAt} (ddvi bench first)`);
    }
    first.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    acquireFolderLock(dir).release();
  });

  it('takes over a stale lock whose process died on this host, saying whose it was', () => {
    const pid = deadPid();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(owner(pid)));
    const lock = acquireFolderLock(dir);
    expect(lock.tookOver?.pid).toBe(pid);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('never takes over a lock from another host', () => {
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(owner(deadPid(), 'some-other-host')));
    expect(() => acquireFolderLock(dir)).toThrow(/pid \d+ on host some-other-host, .*it runs on another host, so this host cannot tell whether it is still alive; if it is not, remove /);
  });

  it('release removes only its own lock', () => {
    const lock = acquireFolderLock(dir);
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(owner(process.pid)));
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
  });
});

describe('cell claims', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ddvi-claim-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const cell = (seed: number): Cell => ({ dataset: 'toy', family: 'gaussian', prior: 'pinwheel', seed });

  it('one claim per cell; distinct cells are claimed independently', () => {
    const a = claimCell(dir, cell(0));
    const b = claimCell(dir, cell(1));
    expect('claimed' in a && 'claimed' in b).toBe(true);
    const again = claimCell(dir, cell(0));
    expect('heldBy' in again && again.heldBy?.pid).toBe(process.pid);
    if ('claimed' in a) a.claimed.release();
    expect('claimed' in claimCell(dir, cell(0))).toBe(true);
    if ('claimed' in b) b.claimed.release();
  });

  it('a claim of a dead process, or one whose heartbeat stopped, is taken over', () => {
    const pid = deadPid();
    mkdirSync(dirname(claimPath(dir, cell(0))), { recursive: true });
    writeFileSync(claimPath(dir, cell(0)), JSON.stringify(owner(pid)));
    const taken = claimCell(dir, cell(0));
    expect('claimed' in taken && taken.claimed.tookOver?.pid).toBe(pid);
    if ('claimed' in taken) taken.claimed.release();
    // Another host, alive as far as we know, but silent for longer than staleMs.
    writeFileSync(claimPath(dir, cell(1)), JSON.stringify(owner(1, 'far-host')));
    expect('heldBy' in claimCell(dir, cell(1), { staleMs: 60_000 })).toBe(true);
    const late = claimCell(dir, cell(1), { staleMs: -1 });
    expect('claimed' in late && late.claimed.tookOver?.host).toBe('far-host');
    if ('claimed' in late) late.claimed.release();
  });
});
