#!/usr/bin/env node
// The pack test's synchronous, CPU-heavy checks, each run in a child process that prints JSON:
// publint and arethetypeswrong on a tarball, and the TypeScript compiler over a package's sources or
// over a consumer of its installed types. Each works synchronously for seconds (the compiler over
// the CLI's sources for tens of seconds on a loaded machine); inside the test worker that blocked
// vitest's RPC past its 60 s timeout ("Timeout calling onTaskUpdate") and failed CI's run.
//
//   node static-checks.mjs publint <file.tgz>                  -> ["error CODE: message", ...]
//   node static-checks.mjs attw <file.tgz>                     -> { problems: [...] } (none when untyped)
//   node static-checks.mjs source-exports <file.ts>...         -> { "<file>": ["name", ...] }
//   node static-checks.mjs consumer-types <dir> <esm.json> <cjs.json>
//                                                              -> { esm, cjs, errors } (see consumerTypes)
/* global console, process */
import { readFileSync } from 'node:fs';
import ts from 'typescript';

/** Whether an exported symbol exists at run time: a value not re-exported with `export type`. */
function isRuntimeExport(symbol, checker) {
  let current = symbol;
  for (let hops = 0; current.flags & ts.SymbolFlags.Alias && hops < 100; hops++) {
    if (current.declarations?.some((d) => ts.isTypeOnlyImportOrExportDeclaration(d))) return false;
    const next = checker.getImmediateAliasedSymbol(current);
    if (!next) break;
    current = next;
  }
  return (current.flags & ts.SymbolFlags.Value) !== 0;
}

function moduleExports(checker, moduleSymbol) {
  if (!moduleSymbol) return [];
  return checker
    .getExportsOfModule(moduleSymbol)
    .filter((s) => isRuntimeExport(s, checker))
    .map((s) => s.name)
    .sort();
}

/**
 * The run-time export names each TypeScript source file declares (types and `export type` left
 * out), resolved through `export *` and re-exports by the compiler itself.
 */
function sourceRuntimeExports(files) {
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    customConditions: ['@ddvi/source'],
    resolveJsonModule: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const result = {};
  for (const file of files) {
    const sf = program.getSourceFile(file);
    if (!sf) throw new Error(`TypeScript could not read ${file}`);
    result[file] = moduleExports(checker, checker.getSymbolAtLocation(sf));
  }
  return result;
}

/**
 * Type-checks `import` of some specifiers and `require` of others from a consumer in `dir` (where
 * the package is installed), under Node16 resolution as a strict TypeScript user would, and
 * reports what each sees.
 */
function consumerTypes(dir, esmSpecifiers, cjsSpecifiers) {
  const esmFile = `${dir}/consumer.mts`;
  const cjsFile = `${dir}/consumer.cts`;
  const esmText = esmSpecifiers.map((s, i) => `import * as m${i} from '${s}';\nexport { m${i} };\n`).join('');
  const cjsText = cjsSpecifiers.map((s, i) => `import m${i} = require('${s}');\nexport { m${i} };\n`).join('');
  const options = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const virtual = new Map([
    [esmFile, esmText],
    [cjsFile, cjsText],
  ]);
  host.readFile = (f) => virtual.get(f) ?? readFile(f);
  host.fileExists = (f) => virtual.has(f) || fileExists(f);
  const program = ts.createProgram([esmFile, cjsFile], options, host);
  const checker = program.getTypeChecker();
  const errors = [];
  const seen = (file, specifiers) => {
    const sf = program.getSourceFile(file);
    for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
      errors.push(`${file.endsWith('.mts') ? 'import' : 'require'}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    }
    const out = {};
    specifiers.forEach((s, i) => {
      const local = checker.getExportsOfModule(checker.getSymbolAtLocation(sf)).find((e) => e.name === `m${i}`);
      const target = local ? checker.getAliasedSymbol(local) : undefined;
      out[s] = moduleExports(checker, target);
    });
    return out;
  };
  return { esm: seen(esmFile, esmSpecifiers), cjs: seen(cjsFile, cjsSpecifiers), errors };
}

async function lintPublint(file) {
  const { publint } = await import('publint');
  const { formatMessage } = await import('publint/utils');
  const bytes = readFileSync(file);
  const tarball = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const { messages, pkg } = await publint({ pack: { tarball }, strict: true, level: 'suggestion' });
  return messages.map((m) => `${m.type} ${m.code}: ${formatMessage(m, pkg, { color: false }) ?? ''}`);
}

async function lintAttw(file) {
  const { checkPackage, createPackageFromTarballData } = await import('@arethetypeswrong/core');
  const result = await checkPackage(createPackageFromTarballData(new Uint8Array(readFileSync(file))));
  return { problems: result.types === false ? [] : result.problems };
}

const [command, ...args] = process.argv.slice(2);
const commands = {
  publint: () => lintPublint(args[0]),
  attw: () => lintAttw(args[0]),
  'source-exports': () => sourceRuntimeExports(args),
  'consumer-types': () => consumerTypes(args[0], JSON.parse(args[1]), JSON.parse(args[2])),
};
if (!(command in commands)) {
  console.error(`static-checks: unknown command ${JSON.stringify(command)} (${Object.keys(commands).join(', ')})`);
  process.exit(2);
}
console.log(JSON.stringify(await commands[command]()));
