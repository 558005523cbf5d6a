import { describe, expect, it } from 'vitest';
import { faultText, stepNamer } from './injected.js';
import { momentRows } from './onset.js';
import { stepRecordSchema, type StepRecord } from './schema.js';
import { summarizeRecords } from './summary.js';

const record = (step: number, over: Record<string, unknown> = {}): StepRecord =>
  stepRecordSchema.parse({ step, loss: 1, preClipNorm: 1, layerNorms: { a: 1 }, ...over }) as StepRecord;

describe('injected faults in summaries', () => {
  const records = [
    record(0),
    record(1, { preClipNorm: Number.NaN, layerNorms: { a: Number.NaN }, events: [{ kind: 'injected', step: 1, fault: 'nan', layer: null }, { kind: 'nonfinite', step: 1, what: ['grad_norm'], layer: 'a' }], skipped: true }),
    record(2, { events: [{ kind: 'injected', step: 2, fault: 'spike', factor: 100, layer: 'a' }] }),
  ];

  it('lists them in step order as their spec text, and counts the event kind', () => {
    const s = summarizeRecords(records);
    expect(s.injected).toEqual([{ step: 1, fault: 'nan@1' }, { step: 2, fault: 'spike@2:100:a' }]);
    expect(s.events).toEqual({ injected: 2, nonfinite: 1 });
    // An injected event is not an unstable one: the first bad event is the detector's.
    expect(s.firstBadEvent?.kind).toBe('nonfinite');
  });

  it('marks the moments at an injected step, and adds a row naming the faults', () => {
    const s = summarizeRecords(records);
    expect(momentRows({ ...s, policyStep: s.firstSkippedStep })).toEqual([
      ['onset', 'step 1 (injected nan@1) (non-finite loss or gradient norm), layer a'],
      ['first non-finite', 'step 1 (injected nan@1)'],
      ['policy acted', 'step 1 (injected nan@1)'],
      ['injected', 'nan@1, spike@2:100:a'],
    ]);
  });

  it('leaves a clean run\'s moments as before (no injected row, plain steps)', () => {
    const s = summarizeRecords([record(0), record(1, { loss: Number.NaN })]);
    expect(s.injected).toEqual([]);
    expect(momentRows({ ...s, policyStep: null }).map(([k]) => k)).toEqual(['onset', 'first non-finite', 'policy acted']);
    expect(stepNamer([])(3)).toBe('step 3');
  });

  it('writes every form back as the spec --inject takes', () => {
    expect(['nan@3', 'inf@0', 'loss-nan@9', 'spike@4:0.5', 'spike@4:1000:dense_1'].map((t) => {
      const [kind, rest] = t.split('@') as [string, string];
      const [step, factor, layer] = rest.split(':');
      return faultText({ kind, step: Number(step), factor: factor === undefined ? null : Number(factor), layer: layer ?? null });
    })).toEqual(['nan@3', 'inf@0', 'loss-nan@9', 'spike@4:0.5', 'spike@4:1000:dense_1']);
  });
});
