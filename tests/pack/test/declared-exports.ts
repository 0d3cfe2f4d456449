import ts from 'typescript';

/** Whether an exported symbol exists at run time: a value not re-exported with `export type`. */
function isRuntimeExport(symbol: ts.Symbol, checker: ts.TypeChecker): boolean {
  let current = symbol;
  for (let hops = 0; current.flags & ts.SymbolFlags.Alias && hops < 100; hops++) {
    if (current.declarations?.some((d) => ts.isTypeOnlyImportOrExportDeclaration(d))) return false;
    const next = checker.getImmediateAliasedSymbol(current);
    if (!next) break;
    current = next;
  }
  return (current.flags & ts.SymbolFlags.Value) !== 0;
}

function moduleExports(checker: ts.TypeChecker, moduleSymbol: ts.Symbol | undefined): string[] {
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
export function sourceRuntimeExports(files: string[]): Map<string, string[]> {
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
  const result = new Map<string, string[]>();
  for (const file of files) {
    const sf = program.getSourceFile(file);
    if (!sf) throw new Error(`TypeScript could not read ${file}`);
    result.set(file, moduleExports(checker, checker.getSymbolAtLocation(sf)));
  }
  return result;
}

export interface ConsumerTypes {
  /** Run-time export names the types promise to an `import` (ESM) consumer, per specifier. */
  esm: Record<string, string[]>;
  /** The same for a `require` (CommonJS) consumer. */
  cjs: Record<string, string[]>;
  /** Diagnostics in the consumer files: unresolved types, ESM/CJS format mismatches. */
  errors: string[];
}

/**
 * Type-checks `import` of some specifiers and `require` of others from a consumer in `dir` (where
 * the package is installed), under Node16 resolution as a strict TypeScript user would, and
 * reports what each sees.
 */
export function consumerTypes(dir: string, esmSpecifiers: string[], cjsSpecifiers: string[]): ConsumerTypes {
  const esmFile = `${dir}/consumer.mts`;
  const cjsFile = `${dir}/consumer.cts`;
  const esmText = esmSpecifiers.map((s, i) => `import * as m${i} from '${s}';\nexport { m${i} };\n`).join('');
  const cjsText = cjsSpecifiers.map((s, i) => `import m${i} = require('${s}');\nexport { m${i} };\n`).join('');
  const options: ts.CompilerOptions = {
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
  const errors: string[] = [];
  const seen = (file: string, specifiers: string[]): Record<string, string[]> => {
    const sf = program.getSourceFile(file)!;
    for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
      errors.push(`${file.endsWith('.mts') ? 'import' : 'require'}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    }
    const out: Record<string, string[]> = {};
    specifiers.forEach((s, i) => {
      const local = checker.getExportsOfModule(checker.getSymbolAtLocation(sf)!).find((e) => e.name === `m${i}`);
      const target = local ? checker.getAliasedSymbol(local) : undefined;
      out[s] = moduleExports(checker, target);
    });
    return out;
  };
  return { esm: seen(esmFile, esmSpecifiers), cjs: seen(cjsFile, cjsSpecifiers), errors };
}
