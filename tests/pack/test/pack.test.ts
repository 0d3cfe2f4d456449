/**
 * Each public package installs alone: it is packed as it would be published (pnpm rewrites
 * `workspace:^`), installed with npm in an empty folder together with only the tarballs of the
 * @ddvi packages it needs (peers such as tfjs come from the registry), then loaded with `import`
 * and `require`, type-checked as a TypeScript consumer would, and linted with publint and
 * arethetypeswrong (offline, on the tarball).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { attwProblems, consumerTypes, publintMessages, sourceRuntimeExports } from './declared-exports';
import { limit, run, strangerEnv } from './exec';
import { pnpmCommand } from './pnpm';
import { importsVitest, probeNode, probeVitest, runScript, type Exports } from './probes';
import {
  binEntries,
  entryPoints,
  isPublic,
  packListingProblems,
  readJson,
  workspaceClosure,
  workspacePackages,
  type WorkspacePackage,
} from './workspace';

const all = workspacePackages();
const byName = new Map(all.map((p) => [p.json.name, p]));
const published = all.filter(isPublic);

const work = mkdtempSync(join(tmpdir(), 'ddvi-pack-'));
const tarballDir = join(work, 'tarballs');
mkdirSync(tarballDir);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const env = strangerEnv();
const NPM_INSTALL = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-update-notifier', '--loglevel=error', '--strict-peer-deps'];

/** Files a package's manifest points at, apart from the in-repo source condition. */
function manifestTargets(pkg: WorkspacePackage): string[] {
  const out = new Set<string>();
  const walk = (value: unknown, key?: string): void => {
    if (key === '@ddvi/source') return;
    if (typeof value === 'string') {
      if (!value.includes('*')) out.add(value);
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    }
  };
  const { main, module, types, exports } = pkg.json;
  walk([main, module, types, exports, Object.values(binEntries(pkg.json))].filter((x) => x !== undefined));
  return [...out];
}

interface Packed {
  file: string;
  contents: string[];
}

const packSlot = limit(2);
const packs = new Map<string, Promise<Packed>>();

/** The package's tarball, packed once, after checking that its build output is there. */
function packed(name: string): Promise<Packed> {
  let p = packs.get(name);
  if (!p) {
    const pkg = byName.get(name)!;
    p = packSlot(async () => {
      const missing = manifestTargets(pkg).filter((f) => !existsSync(join(pkg.dir, f)));
      if (missing.length > 0) {
        throw new Error(`${name} is not built: ${missing.join(', ')} missing in ${pkg.rel} (run \`pnpm build\`)`);
      }
      const [cmd, pre] = pnpmCommand();
      const out = await run(cmd, [...pre, 'pack', '--json', '--pack-destination', tarballDir], { cwd: pkg.dir });
      const info = JSON.parse(out.slice(out.indexOf('{'))) as { filename: string; files: { path: string }[] };
      return { file: info.filename, contents: info.files.map((f) => f.path) };
    });
    packs.set(name, p);
  }
  return p;
}

/** @ddvi/core bundles tfjs-core's gradient table: gradients must work from the installed package. */
const CORE_SMOKE = {
  esm: `import { initBackend } from '@ddvi/core';
import * as tf from '@tensorflow/tfjs-core';
const info = await initBackend('wasm');
const g = tf.grad((x) => tf.sum(tf.square(x)))(tf.tensor1d([1, 2, 3]));
console.log('@@' + JSON.stringify({ backend: info.name, grad: Array.from(g.dataSync()) }));`,
  cjs: `const { initBackend } = require('@ddvi/core');
const tf = require('@tensorflow/tfjs-core');
initBackend('wasm').then((info) => {
  const g = tf.grad((x) => tf.sum(tf.square(x)))(tf.tensor1d([1, 2, 3]));
  console.log('@@' + JSON.stringify({ backend: info.name, grad: Array.from(g.dataSync()) }));
}).catch((e) => { console.error(e); process.exit(1); });`,
};

describe('the workspace', () => {
  it('has public packages under packages/ and apps/', () => {
    expect(published.length).toBeGreaterThan(0);
  });

  it('lists every public package as a devDependency of @ddvi/pack-tests, so turbo builds it before this test', () => {
    expect(packListingProblems()).toEqual([]);
  });
});

describe.concurrent.each(published.map((p) => [p.json.name, p] as const))('%s', (name, pkg) => {
  it('passes publint (strict, suggestions included) on its tarball', async () => {
    const { file } = await packed(name);
    expect(await publintMessages(work, file)).toEqual([]);
  });

  it('passes arethetypeswrong on its tarball (node16 and bundler resolution)', async () => {
    const { file } = await packed(name);
    const found = await attwProblems(work, file);
    // As `attw --profile node16`: node10 ignores exports maps, which every package relies on. An entry
    // point without a "require" condition is ESM-only by design (the test kit imports vitest).
    const esmOnly = (entry: string) => {
      const target = (pkg.json.exports as Record<string, unknown> | undefined)?.[entry];
      return !!target && typeof target === 'object' && !('require' in target);
    };
    const problems = found.filter((p) => {
      if (!('resolutionKind' in p)) return true;
      if (p.resolutionKind === 'node10') return false;
      return !(p.resolutionKind === 'node16-cjs' && p.kind === 'NoResolution' && 'entrypoint' in p && esmOnly(p.entrypoint));
    });
    expect(problems).toEqual([]);
  });

  it('declares what a published package needs: license, repository, files, README, tfjs-core as a peer', () => {
    const json = pkg.json as typeof pkg.json & { license?: string; repository?: { url?: string; directory?: string }; files?: string[]; bin?: unknown };
    expect(json.license).toBe('MIT');
    expect(json.repository?.url).toMatch(/^git\+https:\/\//);
    expect(json.repository?.directory).toBe(pkg.rel);
    expect(json.files).toEqual(expect.arrayContaining(['dist', 'README.md']));
    expect(existsSync(join(pkg.dir, 'README.md'))).toBe(true);
    // Libraries share the application's tfjs (one engine, one kernel registry); the command is an application and owns its copy.
    if (json.bin === undefined) expect(Object.keys(json.peerDependencies ?? {})).toContain('@tensorflow/tfjs-core');
    else expect(Object.keys(json.dependencies ?? {})).toContain('@tensorflow/tfjs-core');
  });

  it('packs build output and metadata only', async () => {
    const { contents } = await packed(name);
    expect(contents).toContain('package.json');
    const stray = contents.filter((f) =>
      /(^|\/)(node_modules|src|test|__tests__|\.turbo)\/|\.test\.|\.tsbuildinfo$|^(tsconfig|tsup\.config|vitest\.config)/.test(f),
    );
    expect(stray).toEqual([]);
  });

  it('bundles each module into one entry point per format, so entry points share its state', async () => {
    await packed(name);
    for (const format of ['esmFile', 'cjsFile'] as const) {
      const owners = new Map<string, string[]>();
      for (const entry of entryPoints(pkg)) {
        const map = entry[format] && join(pkg.dir, `${entry[format]}.map`);
        if (!map || !existsSync(map)) continue;
        for (const source of (readJson<{ sources: string[] }>(map).sources ?? [])) {
          owners.set(source, [...(owners.get(source) ?? []), entry.subpath]);
        }
      }
      const duplicated = [...owners].filter(([, entries]) => entries.length > 1).map(([s, e]) => `${s} (in ${e.join(', ')})`);
      expect(duplicated, `${format === 'esmFile' ? 'ESM' : 'CJS'} modules copied into several entry points`).toEqual([]);
    }
  });

  it('installs alone from its tarball and loads with import and require, with matching types', async () => {
    const closure = workspaceClosure(name, byName);
    const privateDeps = closure.filter((n) => byName.get(n)?.json.private === true);
    expect(privateDeps, 'public packages cannot depend on private ones').toEqual([]);
    const tarballs = await Promise.all(closure.map(async (n) => (await packed(n)).file));

    // Optional peers (a test kit's vitest, an extra backend) too, as a user of the whole API would.
    const peers = pkg.json.peerDependencies ?? {};
    const optionalPeers = Object.keys(peers).filter((p) => pkg.json.peerDependenciesMeta?.[p]?.optional && !byName.has(p));
    const dir = mkdtempSync(join(work, 'install-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '0.0.0', private: true }));
    await run('npm', [...NPM_INSTALL, ...tarballs, ...optionalPeers.map((p) => `${p}@${peers[p]}`)], { cwd: dir, env });

    // Every @ddvi package came from our tarballs, once, at the top level; no peer is there twice.
    const lock = readJson<{ packages: Record<string, { resolved?: string }> }>(join(dir, 'package-lock.json')).packages;
    const ddvi = Object.keys(lock).filter((k) => /(^|\/)node_modules\/@ddvi\//.test(k));
    expect(ddvi.sort()).toEqual(closure.map((n) => `node_modules/${n}`).sort());
    for (const k of ddvi) expect(lock[k]!.resolved, k).toMatch(/^file:/);
    for (const n of closure) {
      const p = byName.get(n)!.json;
      for (const peer of Object.keys(p.peerDependencies ?? {})) {
        const copies = Object.keys(lock).filter((k) => k === `node_modules/${peer}` || k.endsWith(`/node_modules/${peer}`));
        if (p.peerDependenciesMeta?.[peer]?.optional && copies.length === 0) continue;
        expect(copies, `copies of ${n}'s peer ${peer}`).toEqual([`node_modules/${peer}`]);
      }
    }

    const entries = entryPoints(pkg);
    const kit = (e: (typeof entries)[number]): boolean => !!e.esmFile && importsVitest(join(pkg.dir, e.esmFile));
    const plain = entries.filter((e) => !kit(e));
    const kits = entries.filter(kit);
    const requirable = entries.filter((e) => e.cjsFile);
    for (const e of requirable) expect(kit(e), `${e.specifier} imports vitest, so its exports map must not offer "require"`).toBe(false);

    const declared = await sourceRuntimeExports(dir, entries.flatMap((e) => (e.source ? [e.source] : [])));
    const [esm, vitestEsm, cjs] = await Promise.all([
      probeNode(dir, plain.map((e) => e.specifier), 'esm', env),
      probeVitest(dir, kits.map((e) => e.specifier), env),
      probeNode(dir, requirable.map((e) => e.specifier), 'cjs', env),
    ]);
    const imported: Exports = { ...esm, ...vitestEsm };
    const expected = (list: typeof entries): Exports =>
      Object.fromEntries(list.map((e) => [e.specifier, e.source ? declared.get(e.source)! : imported[e.specifier]!]));
    for (const e of entries) {
      // Named exports are required, unless the entry's source declares none yet (a new package).
      const want = expected([e])[e.specifier]!;
      if (e.source && want.length === 0) console.warn(`${e.specifier}: its source exports nothing yet`);
      else expect(want, `named exports of ${e.specifier}`).not.toEqual([]);
    }
    expect(imported, 'import() of the installed package').toEqual(expected(entries));
    expect(cjs, 'require() of the installed package').toEqual(expected(requirable));

    const types = await consumerTypes(dir, entries.map((e) => e.specifier), requirable.map((e) => e.specifier));
    expect(types.errors, 'TypeScript consumer (Node16 resolution)').toEqual([]);
    expect(types.esm, 'types an ESM TypeScript consumer sees').toEqual(expected(entries));
    expect(types.cjs, 'types a CommonJS TypeScript consumer sees').toEqual(expected(requirable));

    for (const bin of Object.keys(binEntries(pkg.json))) {
      const path = join(dir, 'node_modules', '.bin', bin);
      expect(existsSync(path), `bin ${bin} linked`).toBe(true);
      await run(path, ['--help'], { cwd: dir, env, timeoutMs: 60_000 });
    }

    if (name === '@ddvi/core') {
      for (const format of ['esm', 'cjs'] as const) {
        const result = await runScript(dir, CORE_SMOKE[format], format, env);
        expect(result, `${format} gradient smoke test`).toEqual({ backend: 'wasm', grad: [2, 4, 6] });
      }
    }
  });
});
