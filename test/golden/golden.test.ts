import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/runtime/tf.js';
import { checkCase } from '../../src/golden/cases.js';
import { parseGoldenFile } from '../../src/golden/format.js';
import { goldenPath } from '../../src/golden/paths.js';

const file = parseGoldenFile(readFileSync(goldenPath(process.env, process.cwd()), 'utf8'));

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('golden cases', () => {
  it.each(file.cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const before = tf.memory().numTensors;
    const result = checkCase(c);
    expect(tf.memory().numTensors).toBe(before);
    if (result.status === 'skip') return;
    expect(result.details).toEqual([]);
    expect(result.status).toBe('pass');
  });
});
