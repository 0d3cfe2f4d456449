/**
 * Which package READMEs have a tested example, for readme-examples.test.ts and for the test that
 * adds a package to a scratch copy of the workspace. Every folder of packages/ has its README's
 * first ```ts block in docs/guides/examples/readme/<folder>.ts (the docs package must depend on it,
 * so the example can import it), unless its package.json opts out with
 * `"ddvi": { "readmeExample": false }` (a package whose README shows no code, e.g. one kept in the
 * repository but not published).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const README_EXAMPLES = 'docs/guides/examples/readme';

interface Manifest {
  name?: string;
  ddvi?: { readmeExample?: boolean };
  devDependencies?: Record<string, string>;
}

const manifest = (file: string): Manifest => JSON.parse(readFileSync(file, 'utf8')) as Manifest;

/** The folders under packages/ of `root` that hold a package.json. */
function packageDirs(root: string): string[] {
  const base = join(root, 'packages');
  return readdirSync(base, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(base, e.name, 'package.json')))
    .map((e) => e.name)
    .sort();
}

/** The package folders whose README example this suite runs (the file names, without .ts). */
export function readmeExamplePackages(root: string): string[] {
  return packageDirs(root).filter((dir) => manifest(join(root, 'packages', dir, 'package.json')).ddvi?.readmeExample !== false);
}

/**
 * What the workspace at `root` lacks for every README example to be tested, one message per gap
 * naming the file to add or change and where; empty when nothing is missing.
 */
export function readmeExampleProblems(root: string): string[] {
  const problems: string[] = [];
  const docsDeps = Object.keys(manifest(join(root, 'docs/package.json')).devDependencies ?? {});
  const files = readdirSync(join(root, README_EXAMPLES)).filter((f) => f.endsWith('.ts'));
  const wanted = readmeExamplePackages(root);
  for (const dir of wanted) {
    const name = manifest(join(root, 'packages', dir, 'package.json')).name ?? dir;
    if (!files.includes(`${dir}.ts`)) {
      problems.push(
        `packages/${dir} has no tested README example: put the first \`\`\`ts block of packages/${dir}/README.md, verbatim, in ${README_EXAMPLES}/${dir}.ts ` +
          `(or, for a package without one, add "ddvi": { "readmeExample": false } to packages/${dir}/package.json)`,
      );
    }
    if (!docsDeps.includes(name)) {
      problems.push(`packages/${dir}: add "${name}": "workspace:*" to devDependencies in docs/package.json, so its README example can import it (then run a plain \`pnpm install\`)`);
    }
  }
  for (const file of files) {
    const dir = file.replace(/\.ts$/, '');
    if (!wanted.includes(dir)) {
      problems.push(`${README_EXAMPLES}/${file} is the example of no package: packages/${dir} is missing or opts out ("ddvi": { "readmeExample": false }); remove or rename the file`);
    }
  }
  return problems;
}
