import { basename } from 'node:path';
import { readJson, repoRoot } from './workspace';

/**
 * How to call the workspace's pnpm: the one running us (`pnpm test`, turbo), else the version
 * pinned in the root `packageManager` field through npx.
 */
export function pnpmCommand(): [string, string[]] {
  const execPath = process.env.npm_execpath;
  if (execPath && /^pnpm(\.c?js)?$/.test(basename(execPath))) return [process.execPath, [execPath]];
  const pinned = readJson(`${repoRoot}/package.json`).packageManager ?? 'pnpm@10';
  return ['npx', ['--yes', pinned.replace(/\+.*$/, '')]];
}
