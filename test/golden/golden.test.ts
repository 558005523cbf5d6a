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

describe('golden dispatch', () => {
  it('fails a case of an unknown strategy kind loudly instead of skipping it', () => {
    const result = checkCase({ id: 'x', strategy: 'mystery.clip', params: {}, inputs: {}, expected: {} });
    expect(result.status).toBe('fail');
    expect(result.details[0]).toMatch(/unknown strategy kind/);
  });

  it('fails (does not throw) when a case disagrees with the implementation', () => {
    const c = file.cases.find((k) => k.strategy === 'zclip_sequence')!;
    const seq = (c.inputs.sequence as number[]).map((x, i) => (i === 40 ? x * 3 : x));
    const result = checkCase({ ...c, inputs: { sequence: seq } });
    expect(result.status).toBe('fail');
  });
});
