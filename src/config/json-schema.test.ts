import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildJsonSchema } from './json-schema.js';
import { describeExpected, describeReceived } from './schema-nodes.js';

const SHIPPED = new URL('../../schema/gclip.schema.json', import.meta.url);

describe('schema/gclip.schema.json', () => {
  // Regenerate after changing src/config/*schema.ts:
  //   UPDATE_SCHEMA=1 npx vitest run src/config/json-schema.test.ts
  it('equals the schema generated from runConfigSchema', async () => {
    const generated = `${JSON.stringify(buildJsonSchema(), null, 2)}\n`;
    if (process.env.UPDATE_SCHEMA) await writeFile(SHIPPED, generated);
    const shipped = await readFile(SHIPPED, 'utf8');
    expect(shipped, 'schema/gclip.schema.json is stale: rerun with UPDATE_SCHEMA=1').toBe(generated);
  });

  it('has no entry that JSON cannot represent (Infinity would be written as null)', () => {
    expect(JSON.stringify(buildJsonSchema())).not.toContain('"const":null');
  });
});

describe('describeExpected', () => {
  it.each([
    [{ type: 'number', exclusiveMinimum: 0 }, 'a positive number'],
    [{ type: 'integer', exclusiveMinimum: 0, maximum: Number.MAX_SAFE_INTEGER }, 'a positive integer'],
    [{ type: 'integer', minimum: 0, maximum: 10 }, 'an integer from 0 to 10'],
    [{ type: 'number', exclusiveMinimum: 1 }, 'a number > 1'],
    [{ type: 'integer', minimum: 2 }, 'an integer ≥ 2'],
    [{ type: 'string', enum: ['a', 'b'] }, "one of 'a' | 'b'"],
    [{ anyOf: [{ const: 'inf' }, { type: 'number', minimum: 1 }] }, "'inf' or a number ≥ 1"],
    [{ type: 'array', minItems: 1, items: { type: 'integer', exclusiveMinimum: 0 } }, 'a non-empty list, each a positive integer'],
    [{ type: 'boolean' }, 'true or false'],
    [{ type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }, 'a number greater than 0 and less than 1'],
  ])('%j → %s', (node, text) => {
    expect(describeExpected(node)).toBe(text);
  });
});

describe('describeReceived', () => {
  it.each([
    [undefined, 'nothing'],
    [null, 'null'],
    ['abc', "'abc'"],
    [-1, '-1'],
    [Number.NaN, 'NaN'],
    [[1], 'a list'],
    [{ a: 1 }, 'a mapping'],
    [true, 'true'],
  ])('%s → %s', (value, text) => {
    expect(describeReceived(value)).toBe(text);
  });
});
