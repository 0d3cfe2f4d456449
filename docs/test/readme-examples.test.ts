/**
 * Each package README's example is a file under guides/examples/readme/: this test runs it and
 * checks that the README shows that file, character for character, so the README cannot drift.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const docs = fileURLToPath(new URL('..', import.meta.url));
const examples = readdirSync(join(docs, 'guides/examples/readme')).filter((f) => f.endsWith('.ts')).sort();

describe('package README examples', () => {
  it('cover every package in packages/', () => {
    const packages = readdirSync(join(docs, '../packages')).sort();
    expect(examples.map((f) => f.replace(/\.ts$/, ''))).toEqual(packages);
  });

  it.each(examples)('%s is the example in its README and runs', async (file) => {
    const code = readFileSync(join(docs, 'guides/examples/readme', file), 'utf8');
    const readme = readFileSync(join(docs, '../packages', file.replace(/\.ts$/, ''), 'README.md'), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(readme);
    expect(block?.[1], `the first ts block of packages/${file.replace(/\.ts$/, '')}/README.md`).toBe(code);
    await import(`../guides/examples/readme/${file.replace(/\.ts$/, '')}`);
  });
});
