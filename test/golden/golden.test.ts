import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/runtime/tf.js';
import { checkCase } from '../../src/golden/cases.js';
import { parseGoldenFile } from '../../src/golden/format.js';
import { EXTRA_GOLDEN, goldenPaths } from '../../src/golden/paths.js';

const files = goldenPaths(process.env, process.cwd()).map((path) => ({ path, file: parseGoldenFile(readFileSync(path, 'utf8')) }));
const extra = parseGoldenFile(readFileSync(EXTRA_GOLDEN, 'utf8'));

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe.each(files.map(({ path, file }) => [basename(path), file] as const))('golden cases of %s', (_name, file) => {
  it.each(file.cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const before = tf.memory().numTensors;
    const result = checkCase(c);
    expect(tf.memory().numTensors).toBe(before);
    expect(result.details).toEqual([]);
    expect(result.status).toBe('pass');
  });
});

describe('golden files', () => {
  it('runs the public file (or $GCLIP_GOLDEN) and the repo extra file', () => {
    expect(files.map((f) => f.path)).toContain(EXTRA_GOLDEN);
    expect(files.length).toBeGreaterThanOrEqual(2);
  });

  it('the extra file covers ZClip percentile and every ZClip option, AdaGC and StableAdamW', () => {
    const kinds = new Set(extra.cases.map((c) => c.strategy));
    expect([...kinds].sort()).toEqual(['adagc_sequence', 'stableadamw_sequence', 'zclip_sequence']);
    const zclip = extra.cases.filter((c) => c.strategy === 'zclip_sequence').map((c) => c.params);
    expect(zclip.some((p) => p.mode === 'percentile')).toBe(true);
    expect(zclip.some((p) => p.clip_option === 'mean')).toBe(true);
    expect(zclip.some((p) => p.clip_factor !== 1)).toBe(true);
    expect(zclip.some((p) => p.skip_update_on_spike === true)).toBe(true);
  });
});

describe('golden dispatch', () => {
  const zclip = extra.cases.find((k) => k.strategy === 'zclip_sequence')!;

  it('fails a case of an unknown strategy kind loudly instead of skipping it', () => {
    const result = checkCase({ id: 'x', strategy: 'mystery.clip', params: {}, inputs: {}, expected: {} });
    expect(result.status).toBe('fail');
    expect(result.details[0]).toMatch(/unknown strategy kind "mystery.clip": no checker/);
  });

  it('fails a case with an option its kind cannot run, naming it', () => {
    const result = checkCase({ ...zclip, params: { ...zclip.params, lookahead: 3 } });
    expect(result.status).toBe('fail');
    expect(result.details[0]).toMatch(/unknown option lookahead=3 for kind zclip_sequence/);
  });

  it('fails a case whose fixed constant differs from gclip’s', () => {
    const result = checkCase({ ...zclip, params: { ...zclip.params, eps: 1e-8 } });
    expect(result.details[0]).toMatch(/option eps=1e-8 for kind zclip_sequence: gclip implements only 0.000001/);
  });

  it('fails an unknown ZClip mode through the strategy’s own validation', () => {
    const result = checkCase({ ...zclip, params: { ...zclip.params, mode: 'quantile' } });
    expect(result.status).toBe('fail');
    expect(result.details.join()).toMatch(/clip.mode must be "zscore" or "percentile"/);
  });

  it('fails (does not throw) when a case disagrees with the implementation', () => {
    const seq = (zclip.inputs.sequence as number[]).map((x, i) => (i === 40 ? x * 3 : x));
    expect(checkCase({ ...zclip, inputs: { sequence: seq } }).status).toBe('fail');
  });

  it.each(['adagc_sequence', 'stableadamw_sequence'])('fails a %s case whose gradients were changed', (kind) => {
    const c = extra.cases.find((k) => k.strategy === kind)!;
    const grads = structuredClone(c.inputs.grads) as { data: number[] }[][];
    grads[grads.length - 1]![0]!.data[0]! *= 50;
    expect(checkCase({ ...c, inputs: { ...c.inputs, grads } }).status).toBe('fail');
  });
});
