/** The `update_ratio` and `loss_spikes` criteria: judged bounds, the warning-only row, logs that cannot be judged. */
import { describe, expect, it } from 'vitest';
import type { StepRecord } from '../record.js';
import { foreignRecord } from '../log/index.js';
import { evaluate } from './criteria.js';
import { checkSchema, type CheckCriteriaInput } from './schema.js';
import { toJUnitXml } from './junit.js';
import { annotations } from './github.js';

/** 40 records, loss 2 → 0.5 linearly, norm 1; with update ratios {a: 1e-3·(1 + i/40), b: half that} unless `bare`. */
function records(bare = false): StepRecord[] {
  return Array.from({ length: 40 }, (_, i) => {
    const r = foreignRecord({ step: i + 1, loss: 2 - (1.5 * i) / 39, gradNorm: 1 });
    return bare ? r : { ...r, layerUpdateRatios: { a: 1e-3 * (1 + i / 40), b: 5e-4 * (1 + i / 40) } };
  });
}
const judge = (rs: readonly StepRecord[], input: CheckCriteriaInput = {}) => evaluate(rs, checkSchema.parse(input));
const byName = (rs: readonly StepRecord[], name: string, input: CheckCriteriaInput = {}) => judge(rs, input).criteria.find((c) => c.name === name);

describe('update_ratio (check.maxUpdateRatio)', () => {
  it('is off by default', () => {
    expect(byName(records(), 'update_ratio')).toBeUndefined();
  });

  it('bounds the largest layer ratio of any step, worded as the summary row', () => {
    // max: layer a at the last record, 1e-3 · (1 + 39/40) = 1.975e-3; median of the steps' maxima: (a at i 19 + a at i 20) / 2.
    const max = 1e-3 * (1 + 39 / 40);
    expect(byName(records(), 'update_ratio', { maxUpdateRatio: 2e-3 })).toMatchObject({ passed: true, value: max, bound: 2e-3 });
    const failed = byName(records(), 'update_ratio', { maxUpdateRatio: 1e-3 });
    expect(failed).toMatchObject({ passed: false, value: max, bound: 1e-3 });
    expect(failed?.reason).toBe('update/weight ratio median / max 0.001488 / 0.001975 at step 40 (a) (bound ≤ 0.001)');
    expect(toJUnitXml(judge(records(), { maxUpdateRatio: 1e-3 }))).toContain('<testcase name="update_ratio" classname="gclip.check" time="0">\n      <failure message="update/weight ratio median');
    expect(annotations(judge(records(), { maxUpdateRatio: 1e-3 }))[0]).toMatch(/^::error title=gclip check%3A update_ratio::update\/weight ratio median/);
  });

  it('fails, saying why, on a log without update telemetry', () => {
    const r = byName(records(true), 'update_ratio', { maxUpdateRatio: 1 });
    expect(r).toMatchObject({ passed: false, value: null, bound: 1 });
    expect(r?.reason).toMatch(/^cannot judge: no record has update\/weight ratios .*set maxUpdateRatio: null to disable \(bound ≤ 1\)$/);
  });
});

describe('loss_spikes (check.maxLossSpikes)', () => {
  /** The records with the loss at record `i` (0-based) raised to `loss`. */
  const jumped = (i: number, loss: number) => records().map((r, k) => (k === i ? { ...r, loss } : r));

  it('has no row for a log without loss spikes unless judged', () => {
    expect(byName(records(), 'loss_spikes')).toBeUndefined();
    expect(byName(records(), 'loss_spikes', { maxLossSpikes: 0 })).toMatchObject({ passed: true, value: 0, reason: '0 loss spikes (bound ≤ 0)' });
  });

  it('finds a one-record jump in a foreign log by replaying the detector, and warns without failing by default', () => {
    // Record 30 (loss 0.8462 normally): the 20 losses before it are records 10..29, median (loss_19 + loss_20)/2 = 2 − 1.5·19.5/39 = 1.25; 15 is 12×.
    const result = judge(jumped(30, 15));
    const row = result.criteria.find((c) => c.name === 'loss_spikes');
    expect(result.passed).toBe(true);
    expect(row).toMatchObject({ passed: true, warning: true, value: 1, bound: null });
    expect(row?.reason).toBe('1 loss spike(s): loss 15 at step 31 is 12× the rolling median 1.25; a warning, not judged (set check.maxLossSpikes to gate on it)');
    expect(toJUnitXml(result)).toContain(`<system-out>warning: ${row!.reason}</system-out>`);
    expect(annotations(result)).toEqual([`::warning title=gclip check%3A loss_spikes::${row!.reason}`]);
  });

  it('fails above check.maxLossSpikes', () => {
    expect(byName(jumped(30, 15), 'loss_spikes', { maxLossSpikes: 0 })).toMatchObject({ passed: false, value: 1, bound: 0 });
    expect(byName(jumped(30, 15), 'loss_spikes', { maxLossSpikes: 1 })).toMatchObject({ passed: true, value: 1, bound: 1 });
  });
});
