#!/usr/bin/env node
// Builds the native kernels at install time: one C file compiled against the system CBLAS
// (OpenBLAS on Linux, Accelerate on macOS) and Node's N-API headers. It never fails the install:
// when a compiler, the headers or the library is missing it writes the reason to
// build/status.json, and the package then reports itself unavailable (everything runs on wasm).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'build');
const addon = join(out, 'blas.node');
const require = createRequire(import.meta.url);

function writeStatus(status) {
  mkdirSync(out, { recursive: true });
  const tmp = join(out, `status.json.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(status, null, 2) + '\n');
  renameSync(tmp, join(out, 'status.json'));
}

/** The directory holding node_api.h: Node's own headers, the system's, or the node-api-headers package. */
function napiIncludeDir() {
  const candidates = [join(dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node', '/usr/local/include/node'];
  try {
    candidates.push(join(dirname(require.resolve('node-api-headers/package.json')), 'include'));
  } catch {
    // optional
  }
  return candidates.find((d) => existsSync(join(d, 'node_api.h')));
}

function blasFlags() {
  if (process.platform === 'darwin') return { cflags: [], libs: ['-framework', 'Accelerate'], hint: 'Xcode command line tools' };
  const cflags = ['/usr/include/x86_64-linux-gnu', '/usr/include/aarch64-linux-gnu', '/usr/include/openblas', '/usr/local/include', '/opt/homebrew/opt/openblas/include']
    .filter((d) => existsSync(join(d, 'cblas.h')))
    .map((d) => `-I${d}`);
  return { cflags, libs: ['-lopenblas'], hint: 'apt-get install libopenblas-dev (or dnf install openblas-devel)' };
}

function main() {
  if (process.env.DDVI_BLAS_BUILD === '0') return writeStatus({ ok: false, reason: 'build skipped (DDVI_BLAS_BUILD=0)' });
  if (process.platform === 'win32') return writeStatus({ ok: false, reason: 'no native build on Windows' });
  const include = napiIncludeDir();
  if (!include) return writeStatus({ ok: false, reason: 'node_api.h not found (install the node-api-headers package or Node headers)' });
  const { cflags, libs, hint } = blasFlags();
  const cc = process.env.CC || 'cc';
  const tmp = `${addon}.${process.pid}.tmp`;
  const args = ['-O3', '-ffp-contract=off', '-shared', '-fPIC', '-std=c99', '-D_GNU_SOURCE', `-I${include}`, ...cflags, '-o', tmp, join(root, 'native', 'blas.c'), ...libs, '-lm'];
  if (process.platform === 'darwin') args.push('-undefined', 'dynamic_lookup');
  mkdirSync(out, { recursive: true });
  try {
    execFileSync(cc, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    rmSync(tmp, { force: true });
    const detail = String(e.stderr || e.message).trim().split('\n').slice(-3).join(' | ');
    return writeStatus({ ok: false, reason: `could not compile native/blas.c with ${cc} (${hint}): ${detail}` });
  }
  renameSync(tmp, addon);
  writeStatus({ ok: true, compiler: cc, args: args.map((a) => (a === tmp ? addon : a)) });
}

try {
  main();
} catch (e) {
  try {
    writeStatus({ ok: false, reason: `build script failed: ${e instanceof Error ? e.message : String(e)}` });
  } catch {
    // never fail the install
  }
}
