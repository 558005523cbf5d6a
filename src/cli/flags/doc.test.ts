import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { regenerate, SECTIONS } from './doc.js';

const DOCS = ['docs/flags.md', 'docs/strategies.md'];

describe('generated flag tables in the docs', () => {
  // Regenerate after changing a flag: npm run generate
  it.each(DOCS)('%s is current', async (doc) => {
    const url = new URL(`../../../${doc}`, import.meta.url);
    const generated = regenerate(await readFile(url, 'utf8'));
    if (process.env.UPDATE_DOCS) await writeFile(url, generated);
    expect(await readFile(url, 'utf8'), `${doc} is stale: run npm run generate`).toBe(generated);
  });

  it('uses every section somewhere', async () => {
    const texts = await Promise.all(DOCS.map((d) => readFile(new URL(`../../../${d}`, import.meta.url), 'utf8')));
    for (const name of Object.keys(SECTIONS)) expect(texts.join('\n')).toContain(`<!-- generated: ${name} -->`);
  });

  it('refuses a section it does not know', () => {
    expect(() => regenerate('<!-- generated: nope -->\n<!-- end generated -->')).toThrow(/unknown generated section 'nope'/);
  });
});
