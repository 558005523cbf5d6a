import { parse, type TestSuite, type TestSuites } from 'junit2json';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from './criteria.js';
import { toJUnitXml } from './junit.js';

const result: CheckResult = {
  passed: false,
  steps: 100,
  onset: null,
  firstNonfiniteStep: null,
  policyStep: null,
  criteria: [
    { name: 'nonfinite', passed: true, value: 0, bound: 0, reason: '0 non-finite steps (bound ≤ 0)' },
    { name: 'spikes', passed: false, value: 4, bound: 3, reason: '4 gradient-norm spike(s), first at step 41 (bound ≤ 3)' },
    { name: 'clip_rate', passed: false, value: 0.62, bound: { min: 0, max: 0.5 }, reason: 'clipped 62 of 100 steps (0.62) (bound 0–0.5)' },
    // Markup, quotes, a newline and a control character that XML 1.0 forbids.
    { name: 'loss_ratio', passed: false, value: null, bound: 0.9, reason: 'cannot judge: <"loss"> & \'x\'\nsecond line\u0001' },
  ],
};

async function readBack(xml: string): Promise<TestSuite> {
  const doc = (await parse(xml)) as TestSuites;
  const suite = doc.testsuite?.[0];
  if (!suite) throw new Error('no testsuite');
  return suite;
}

describe('toJUnitXml', () => {
  it('writes one testsuite with one testcase per criterion, read back by a JUnit reader', async () => {
    const suite = await readBack(toJUnitXml(result, { source: 'runs/a/steps.jsonl' }));
    expect(suite.name).toBe('gclip check');
    expect(suite.tests).toBe(4);
    expect(suite.failures).toBe(3);
    expect(suite.errors).toBe(0);
    expect(suite.testcase?.map((t) => t.name)).toEqual(['nonfinite', 'spikes', 'clip_rate', 'loss_ratio']);
    expect(suite.properties).toEqual([
      { name: 'steps', value: 100 },
      { name: 'source', value: 'runs/a/steps.jsonl' },
      { name: 'onset', value: 'none' },
      { name: 'first non-finite', value: 'none' },
      { name: 'policy acted', value: 'none' },
    ]);
  });

  it('gives each failed criterion a failure whose message has the measured value and bound', async () => {
    const suite = await readBack(toJUnitXml(result));
    const [nonfinite, spikes, clipRate] = suite.testcase ?? [];
    expect(nonfinite?.failure).toBeUndefined();
    expect(spikes?.failure?.[0]?.message).toBe('4 gradient-norm spike(s), first at step 41 (bound ≤ 3)');
    expect(spikes?.failure?.[0]?.inner).toContain('measured: 4\nbound: ≤ 3');
    expect(clipRate?.failure?.[0]?.message).toContain('(0.62) (bound 0–0.5)');
    expect(clipRate?.failure?.[0]?.inner).toContain('measured: 0.62');
  });

  it('escapes markup and shows control characters visibly, so the text survives a round trip', async () => {
    const xml = toJUnitXml(result);
    expect(xml).not.toContain('\u0001');
    const lossRatio = (await readBack(xml)).testcase?.[3];
    expect(lossRatio?.failure?.[0]?.message).toBe('cannot judge: <"loss"> & \'x\'\\nsecond line\\x01');
    expect(lossRatio?.failure?.[0]?.inner).toContain('cannot judge: <"loss"> & \'x\'\\nsecond line\\x01');
    expect(lossRatio?.failure?.[0]?.inner).toContain('measured: n/a');
  });

  it('reports zero failures for a passing result', async () => {
    const passing: CheckResult = { ...result, passed: true, steps: 3, criteria: result.criteria.slice(0, 1) };
    const suite = await readBack(toJUnitXml(passing, { timestamp: '2026-01-02T03:04:05Z' }));
    expect(suite.failures).toBe(0);
    expect(suite.timestamp).toBe('2026-01-02T03:04:05Z');
  });
});
