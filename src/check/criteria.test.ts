import { describe, expect, it } from 'vitest';
import type { RunEvent, StepRecord } from '../record.js';
import { evaluate } from './criteria.js';
import { foreignRecord } from '../log/index.js';
import { checkSchema, type CheckCriteriaInput } from './schema.js';

/** 40 records, loss 2 → 0.5 linearly, norm 1, unclipped. */
const healthy: StepRecord[] = Array.from({ length: 40 }, (_, i) => foreignRecord({ step: i + 1, loss: 2 - (1.5 * i) / 39, gradNorm: 1 }));
const judge = (records: readonly StepRecord[], input: CheckCriteriaInput = {}) => evaluate(records, checkSchema.parse(input));
const byName = (records: readonly StepRecord[], name: string, input: CheckCriteriaInput = {}) =>
  judge(records, input).criteria.find((c) => c.name === name);

describe('evaluate', () => {
  it('returns the --json contract: passed, and criteria with name, passed, value, bound, reason', () => {
    const parsed = JSON.parse(JSON.stringify(judge(healthy))) as { passed: unknown; criteria: Record<string, unknown>[] };
    expect(parsed.passed).toBe(true);
    expect(parsed.criteria.map((c) => c.name)).toEqual(['nonfinite', 'spikes', 'skipped', 'loss_ratio', 'clip_rate', 'divergence']);
    for (const c of parsed.criteria) expect(Object.keys(c).sort()).toEqual(['bound', 'name', 'passed', 'reason', 'value']);
  });

  it('states the measured value and the bound in one line per criterion', () => {
    // loss_i = 2 − 1.5 i/39; initial = median of i 0..9 = loss_4.5 = 1.8269; final = loss_34.5 = 0.6731; ratio 0.3684.
    expect(judge(healthy, { gradNorm: [{ p: 99.5, max: 2 }] }).criteria.map((c) => c.reason)).toMatchInlineSnapshot(`
      [
        "0 non-finite steps (bound ≤ 0)",
        "0 gradient-norm spikes (bound ≤ 3)",
        "0 skipped steps (bound ≤ 0)",
        "final loss 0.6731 is 0.3684 × initial 1.827 (medians of 10 record(s)) (bound ≤ 0.9)",
        "p99.5 of the pre-clip gradient norm is 1 (bound ≤ 2)",
        "clipped 0 of 40 steps (0) (bound 0–0.5)",
        "no divergence (loss never above 10 × best for 5 records) (bound ≤ 0)",
      ]
    `);
  });

  it('names a percentile criterion after p, with _ for a decimal point', () => {
    expect(judge(healthy, { gradNorm: [{ p: 99.5, max: 2 }, { p: 50, max: 1 }] }).criteria.map((c) => c.name)).toContain('grad_norm_p99_5');
    expect(byName(healthy, 'grad_norm_p50', { gradNorm: [{ p: 50, max: 0.5 }] })).toMatchObject({ passed: false, value: 1, bound: 0.5 });
  });

  it('leaves out criteria set to null or false', () => {
    const result = judge(healthy, { maxNonfinite: null, maxSpikes: null, maxSkipped: null, lossRatio: null, clipRate: null, noDivergence: false });
    expect(result).toMatchObject({ passed: true, steps: 40, criteria: [], onset: null });
  });

  it('counts a step once when both a recorded event and the values flag it', () => {
    const nan = { ...foreignRecord({ step: 41, loss: Number.NaN, gradNorm: 1 }) };
    expect(nan.events).toHaveLength(1);
    expect(byName([...healthy, nan], 'nonfinite')).toMatchObject({ passed: false, value: 1 });
  });

  it('trusts recorded spike and divergence events of gclip runs', () => {
    const spiky = healthy.map((r, i): StepRecord =>
      i === 30 ? { ...r, events: [{ kind: 'spike' as const, step: r.step, preClipNorm: 9, median: 1, z: 40, layer: null }] } : r,
    );
    expect(byName(spiky, 'spikes', { maxSpikes: 0 })).toMatchObject({ passed: false, value: 1, reason: '1 gradient-norm spike(s), first at step 31 (norm 9 vs rolling median 1) (bound ≤ 0)' });
    const diverged = healthy.map((r, i): StepRecord => (i === 35 ? { ...r, events: [{ kind: 'divergence' as const, step: r.step, since: r.step - 4, loss: 9, bestLoss: 0.5, factor: 18, layer: null }] } : r));
    expect(byName(diverged, 'divergence')).toMatchObject({ passed: false, value: 1, reason: 'loss diverged from step 32 (to 9, 18 × best 0.5) by step 36 (bound ≤ 0)' });
  });

  it('counts a rollback step as a rollback, not a skip, and with maxRollbacks set judges its events by that bound alone', () => {
    const nonfinite: RunEvent = { kind: 'nonfinite', step: 20, what: ['loss'], layer: null };
    const rollback: RunEvent = { kind: 'rollback', step: 20, cause: 'nonfinite', toStep: 10, skipped: [10, 20], lr: 0.05, layer: null };
    const records = healthy.map((r) => (r.step === 20 ? { ...r, loss: Number.NaN, events: [nonfinite, rollback], skipped: true } : r));
    expect(byName(records, 'skipped')).toMatchObject({ passed: true, value: 0 });
    expect(byName(records, 'nonfinite')).toMatchObject({ passed: false, value: 1 });
    expect(byName(records, 'rollbacks')).toBeUndefined();
    expect(byName(records, 'nonfinite', { maxRollbacks: 1 })).toMatchObject({ passed: true, value: 0 });
    expect(byName(records, 'rollbacks', { maxRollbacks: 1 })).toMatchObject({
      passed: true,
      value: 1,
      reason: '1 rollback(s) (nonfinite at step 20), first to the state before step 10 (bound ≤ 1)',
    });
    expect(byName(records, 'rollbacks', { maxRollbacks: 0 })).toMatchObject({ passed: false, value: 1 });
    const skippedToo = records.map((r) => (r.step === 30 ? { ...r, skipped: true } : r));
    expect(byName(skippedToo, 'skipped')).toMatchObject({ passed: false, value: 1, reason: '1 skipped step(s), first at step 30 (bound ≤ 0)' });
  });

  it('fails the clip-rate band from below as well as above', () => {
    const clipped = healthy.map((r, i) => ({ ...r, clipped: i < 10 }));
    expect(byName(clipped, 'clip_rate', { clipRate: { min: 0.3, max: 0.6 } })).toMatchObject({ passed: false, value: 0.25, bound: { min: 0.3, max: 0.6 } });
    expect(byName(clipped, 'clip_rate', { clipRate: { min: 0.2, max: 0.6 } })?.passed).toBe(true);
  });

  it("measures but never fails the clip rate of a strategy that sets it by design (AutoClip, AGC)", () => {
    const allClipped = healthy.map((r) => ({ ...r, clipped: true }));
    const result = evaluate(allClipped, checkSchema.parse({}), undefined, 'by-design').criteria.find((c) => c.name === 'clip_rate');
    expect(result).toMatchObject({ passed: true, value: 1 });
    expect(result?.reason).toContain('not judged');
    expect(byName(allClipped, 'clip_rate')).toMatchObject({ passed: false, value: 1 });
  });

  it('fails value criteria it cannot measure, saying why', () => {
    const allNan = [foreignRecord({ step: 1, loss: Number.NaN, gradNorm: Number.NaN })];
    expect(byName(allNan, 'loss_ratio')).toMatchObject({ passed: false, value: null });
    expect(byName(allNan, 'loss_ratio')?.reason).toBe('cannot judge: the log has no finite loss; set lossRatio: null to disable (bound ≤ 0.9)');
    const negative = [foreignRecord({ step: 1, loss: -2, gradNorm: 1 }), foreignRecord({ step: 2, loss: -3, gradNorm: 1 })];
    expect(byName(negative, 'loss_ratio')?.reason).toMatch(/^cannot judge: initial loss -2 is not positive/);
    expect(judge([]).criteria.map((c) => [c.name, c.passed])).toEqual([
      ['nonfinite', true],
      ['spikes', true],
      ['skipped', true],
      ['loss_ratio', false],
      ['clip_rate', false],
      ['divergence', true],
    ]);
  });

  it('compares against a baseline with relative tolerances, and fails what it cannot compare', () => {
    // final loss 0.5 vs 0.46 + 10 % = 0.506 → pass; median 1 vs 0.7 + 25 % = 0.875 → fail.
    const result = evaluate(healthy, checkSchema.parse({}), { finalLoss: 0.46, preClipNorm: { median: 0.7, p90: null } });
    const base = result.criteria.filter((c) => c.name.startsWith('baseline_'));
    expect(base.map((c) => [c.name, c.passed])).toEqual([
      ['baseline_final_loss', true],
      ['baseline_grad_norm_median', false],
      ['baseline_grad_norm_p90', false],
    ]);
    expect(base[0]?.bound).toBeCloseTo(0.506, 12);
    expect(base[1]?.reason).toBe('grad norm median 1 vs baseline 0.7 (+25 % allowed) (bound ≤ 0.875)');
    expect(base[2]?.reason).toBe('cannot compare: the baseline has no finite grad norm p90');
  });

  it('applies a baseline tolerance to |baseline| so negative losses tighten correctly', () => {
    const negative = [foreignRecord({ step: 1, loss: -1, gradNorm: 1 }), foreignRecord({ step: 2, loss: -1.9, gradNorm: 1 })];
    // bound = −2 + 0.1 · 2 = −1.8: −1.9 passes; with baseline −2.5 the bound is −2.25 and −1.9 fails.
    const at = (finalLoss: number) => evaluate(negative, checkSchema.parse({}), { finalLoss, preClipNorm: { median: 1, p90: 1 } }).criteria.find((c) => c.name === 'baseline_final_loss');
    expect(at(-2)?.passed).toBe(true);
    expect(at(-2.5)?.passed).toBe(false);
  });
});

describe('checkSchema', () => {
  it('rejects unknown keys and out-of-range values', () => {
    expect(checkSchema.safeParse({ maxSpike: 2 }).success).toBe(false);
    expect(checkSchema.safeParse({ gradNorm: [{ p: 101, max: 1 }] }).success).toBe(false);
    expect(checkSchema.safeParse({ lossRatio: 0 }).success).toBe(false);
    expect(checkSchema.safeParse({ clipRate: { min: 0.6, max: 0.5 } }).success).toBe(false);
    expect(checkSchema.safeParse({ maxNonfinite: Number.NaN }).success).toBe(false);
  });

  it('fills defaults inside partially given objects', () => {
    const c = checkSchema.parse({ clipRate: { max: 0.9 }, detection: { spike: { zThreshold: 6 } } });
    expect(c.clipRate).toEqual({ min: 0, max: 0.9 });
    expect(c.detection.spike).toEqual({ window: 50, warmup: 20, grossRatio: 1000, zThreshold: 6, minRatio: 3 });
    expect(c.detection.divergence.factor).toBe(10);
  });
});
