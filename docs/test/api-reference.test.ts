/**
 * The API reference is committed (docs/api/, one markdown page per package, linked from each
 * package README) so a clone reads it without building the site; this flags it when a package's
 * public declarations changed since it was generated.
 */
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiReferenceProblems } from './api-reference';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('the committed API reference', () => {
  it('is current with every package\'s declarations', () => {
    expect(apiReferenceProblems(root)).toEqual([]);
  });

  it('is what each package README links to, and every relative link in those READMEs resolves in the repository', () => {
    const packages = join(root, 'packages');
    for (const dir of readdirSync(packages)) {
      const readme = join(packages, dir, 'README.md');
      if (!existsSync(readme)) continue;
      const text = readFileSync(readme, 'utf8');
      expect(text, `packages/${dir}/README.md links its API reference`).toMatch(/\]\(\.\.\/\.\.\/docs\/api\/@ddvi\/[^)]+\.md\)/);
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        expect(existsSync(join(packages, dir, target!)), `packages/${dir}/README.md links ${target}`).toBe(true);
      }
    }
  });
});
