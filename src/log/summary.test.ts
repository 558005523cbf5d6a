import { describe, expect, it } from 'vitest';
import { foreignRecord } from './foreign.js';
import type { RunEvent, StepRecord } from './schema.js';
import { createRecordSummariser, summarizeRecords } from './summary.js';

const rec = (step: number, loss: number, norm: number, more: Partial<StepRecord> = {}): StepRecord => ({ ...foreignRecord({ step, loss, gradNorm: norm }), ...more });
const divergence: RunEvent = { kind: 'divergence', step: 4, since: 2, loss: 50, bestLoss: 1, factor: 50, layer: 'rnn' };

describe('summarizeRecords', () => {
  const records = [
    rec(1, 2, 1, { threshold: 3, clipped: true, postClipNorm: 1 }),
    rec(2, 1, 4, { threshold: 5, valLoss: 1.5 }),
    rec(3, 1, 1, { preClipNorm: Number.NaN, postClipNorm: Number.NaN, skipped: true }),
    rec(4, 50, 4, { events: [divergence] }),
  ];
  const s = summarizeRecords(records);

  it('counts steps, clipped, skipped and non-finite records', () => {
    expect([s.steps, s.clippedSteps, s.clipRate, s.skippedSteps, s.nonfiniteSteps]).toEqual([4, 1, 0.25, 1, 1]);
  });

  it('keeps the last values and the first step of each extreme', () => {
    expect([s.firstStep, s.lastStep, s.finalLoss, s.finalValLoss]).toEqual([1, 4, 50, 1.5]);
    // losses 2, 1, 1, 50: best 1, first reached at step 2; finite norms 1, 4, 4: max 4 first at step 2.
    expect(s.bestLoss).toEqual({ value: 1, step: 2 });
    expect(s.preClipNorm).toEqual({ median: 4, p90: 4, max: 4, maxStep: 2 });
    expect(s.postClipNormMax).toBe(4);
    expect(s.threshold).toEqual({ min: 3, max: 5 });
  });

  it('dates the first bad event where the streak began, and counts events by kind', () => {
    expect(s.firstBadEvent).toBe(divergence);
    expect(s.firstBadStep).toBe(2);
    expect(s.events).toEqual({ divergence: 1 });
  });

  it('lists the loss spikes that settled, not the one a divergence streak then began with', () => {
    const spike = (step: number): RunEvent => ({ kind: 'lossSpike', step, loss: 30, median: 1, factor: 30, layer: null });
    const t = summarizeRecords([rec(1, 30, 1, { events: [spike(1)] }), rec(2, 1, 1), rec(3, 30, 1, { events: [spike(3)] }), rec(4, 40, 1), rec(5, 50, 1, { events: [{ ...divergence, step: 5, since: 3 }] })]);
    expect(t.lossSpikes).toEqual([{ step: 1, loss: 30, median: 1, factor: 30 }]);
    expect(t.events).toEqual({ lossSpike: 2, divergence: 1 });
  });

  it('counts a step the rollback action answered as a rollback, not as a skipped step', () => {
    const rollback: RunEvent = { kind: 'rollback', step: 2, cause: 'divergence', toStep: 0, skipped: [0, 2], lr: 0.05, layer: null };
    const t = summarizeRecords([rec(1, 1, 1, { skipped: true }), rec(2, 90, 1, { events: [{ ...divergence, step: 2 }, rollback], skipped: true }), rec(3, 1, 1)]);
    expect([t.skippedSteps, t.rollbacks, t.firstSkippedStep]).toEqual([1, 1, 1]);
    expect(s.rollbacks).toBe(0);
  });

  it('takes the first unstable event in record order, not the earliest date', () => {
    const nonfinite: RunEvent = { kind: 'nonfinite', step: 3, what: ['weights'], layer: null };
    const late = { ...divergence, step: 5, since: 1 };
    const t = summarizeRecords([rec(1, 1, 1), rec(3, 1, 1, { events: [nonfinite] }), rec(5, 9, 1, { events: [late] })]);
    expect([t.firstBadStep, t.nonfiniteSteps]).toEqual([3, 1]);
  });

  it('has nulls, not zeros, for what no record measured', () => {
    expect(createRecordSummariser().finish()).toMatchObject({
      steps: 0, firstStep: null, finalLoss: null, bestLoss: null, clipRate: 0, postClipNormMax: null, threshold: null, firstBadStep: null,
      preClipNorm: { median: null, p90: null, max: null, maxStep: null },
    });
  });
});
