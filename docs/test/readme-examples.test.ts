/**
 * Each package README's example is a file under guides/examples/readme/: this test runs it and
 * checks that the README shows that file, character for character, so the README cannot drift.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readmeExamplePackages, readmeExampleProblems } from './readme-listing';

const docs = fileURLToPath(new URL('..', import.meta.url));
const root = join(docs, '..');

describe('package README examples', () => {
  it('cover every package in packages/ (each message says which file to add, and where)', () => {
    expect(readmeExampleProblems(root)).toEqual([]);
  });

  it.each(readmeExamplePackages(root).map((dir) => `${dir}.ts`))('%s is the example in its README and runs', async (file) => {
    const code = readFileSync(join(docs, 'guides/examples/readme', file), 'utf8');
    const readme = readFileSync(join(docs, '../packages', file.replace(/\.ts$/, ''), 'README.md'), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(readme);
    expect(block?.[1], `the first ts block of packages/${file.replace(/\.ts$/, '')}/README.md`).toBe(code);
    await import(`../guides/examples/readme/${file.replace(/\.ts$/, '')}`);
  });
});
