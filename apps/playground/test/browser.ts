import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { build, preview } from 'vite';
import type { PreviewServer } from 'vite';

export const APP_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Screenshots, downloads and the test build: gitignored. */
export const TEST_OUTPUT = join(APP_ROOT, 'test-output');

/** Debian's chromium unless CHROMIUM_PATH names another build. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags the project runs Chromium with: headless, no sandbox (root in CI), no network chatter, no GPU. */
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/**
 * Whether the end-to-end test can run here. In CI (CI=true) a missing Chromium is a failure, not a
 * skip: the check must run there (.ci/run installs it).
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error(`Chromium not found at ${CHROMIUM}; CI must install it (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  return false;
}

/** The page's own sources: a dist/ older than any of them is stale. */
const SOURCES = ['src', 'scripts', 'index.html', 'vite.config.ts', 'package.json'];

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((f) => newestMtime(join(path, f))));
}

/**
 * Serves the built page with `vite preview` on a free port: `dist/` when it is newer than the
 * page's sources (turbo builds it before the test), else a fresh build into test-output/dist.
 */
export async function buildAndServe(): Promise<{ url: string; server: PreviewServer }> {
  const configFile = join(APP_ROOT, 'vite.config.ts');
  const built = join(APP_ROOT, 'dist/index.html');
  let outDir = join(APP_ROOT, 'dist');
  const fresh = existsSync(built) && statSync(built).mtimeMs > Math.max(...SOURCES.map((s) => newestMtime(join(APP_ROOT, s))));
  if (!fresh) {
    execFileSync(process.execPath, [join(APP_ROOT, 'scripts/prepare-assets.mjs')], { cwd: APP_ROOT, stdio: 'pipe' });
    outDir = join(TEST_OUTPUT, 'dist');
    await build({ root: APP_ROOT, configFile, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  }
  const server = await preview({ root: APP_ROOT, configFile, logLevel: 'error', build: { outDir }, preview: { port: 0, host: '127.0.0.1', strictPort: false } });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return { url, server };
}

/** A fresh Chromium profile (its own --user-data-dir) with downloads accepted. */
export async function launch(): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'ddvi-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: FLAGS, acceptDownloads: true, viewport: { width: 1280, height: 1000 },
  });
}
