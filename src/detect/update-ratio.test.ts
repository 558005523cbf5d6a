import { describe, expect, it } from 'vitest';
import { detectSchema } from '../config/schema.js';
import type { RunEvent, StepRecord } from '../record.js';
import { createUpdateRatioDetector, type UpdateRatioState } from './update-ratio.js';

const defaults = detectSchema.parse({}).updateRatio;

/** A record whose only relevant field is the per-layer update ratios (none: an older log). */
function record(step: number, ratios?: Record<string, number>): StepRecord {
  return {
    step, loss: 1, preClipNorm: 1, postClipNorm: 1, clipCoef: 1, clipped: false, threshold: null, layerNorms: {}, layerNormsPost: {},
    lr: 0.1, valLoss: null, wallMs: 0, events: [], skipped: false, ...(ratios ? { layerUpdateRatios: ratios } : {}),
  };
}

/** Feeds the records in order; returns the events and the state after each step. */
function drive(records: StepRecord[], options = defaults): { events: RunEvent[][]; states: UpdateRatioState[] } {
  const d = createUpdateRatioDetector(options);
  let state = d.init();
  const events: RunEvent[][] = [];
  const states: UpdateRatioState[] = [];
  for (const r of records) {
    const out = d.observe({ record: r, weightsFinite: true }, state);
    state = out.state;
    events.push(out.events);
    states.push(state);
  }
  return { events, states };
}

/** 1e-3 · (1 + 0.1·(k mod 3 − 1)): a healthy ratio with a little spread (MAD 1e-4). */
const healthy = (k: number): number => 1e-3 * (1 + 0.1 * ((k % 3) - 1));

describe('update-ratio detector', () => {
  it('uses the largest finite layer ratio of each step and reports nothing for a steady run', () => {
    const { events, states } = drive(Array.from({ length: 30 }, (_, k) => record(k, { a: healthy(k) / 2, b: healthy(k), c: Number.NaN })));
    expect(events.flat()).toEqual([]);
    expect(states[2]!.window).toEqual([healthy(0), healthy(1), healthy(2)]);
    expect(states[29]!.window).toHaveLength(30);
  });

  it('fires on a jump after the warm-up with the robust z-score and the layer', () => {
    const steps = [...Array.from({ length: 25 }, (_, k) => record(k, { a: healthy(k) })), record(25, { a: 1e-3, b: 0.02 })];
    const { events } = drive(steps);
    // Window of 25 values (9× 0.9e-3, 8× 1e-3, 8× 1.1e-3): median 1e-3, MAD 1e-4, so
    // z = (0.02 − 1e-3) / (1.4826 · 1e-4) ≈ 128.2 > 10, and 0.02 > 3 × 1e-3.
    expect(events.slice(0, 25).flat()).toEqual([]);
    const e = events[25]![0] as Extract<RunEvent, { kind: 'updateRatio' }>;
    expect(e).toMatchObject({ kind: 'updateRatio', step: 25, ratio: 0.02, median: 1e-3, layer: 'b', ceiling: false });
    expect(e.z).toBeCloseTo((0.02 - 1e-3) / (1.4826 * 1e-4), 4);
  });

  it('during the warm-up only a gross jump counts; the ceiling counts from the first step', () => {
    const early = drive([record(0, { a: 1e-3 }), record(1, { a: 0.5 }), record(2, { a: 2 })]);
    // Step 1: 0.5 is 500× the median 1e-3, under grossRatio 1000 and under the ceiling 1.
    // Step 2: 2 > maxRatio 1 (and 2 / median(1e-3, 0.5) ≈ 7.9, no gross jump).
    expect(early.events.map((e) => e.map((x) => x.kind))).toEqual([[], [], ['updateRatio']]);
    expect(early.events[2]![0]).toMatchObject({ ratio: 2, ceiling: true });
    const first = drive([record(0, { a: 3 })]);
    expect(first.events[0]![0]).toMatchObject({ step: 0, ratio: 3, ceiling: true, layer: 'a' });
    expect(Number.isNaN((first.events[0]![0] as { median: number }).median)).toBe(true);
  });

  it('skips records without the fields and steps whose ratios are all non-finite, keeping them out of the window', () => {
    const { events, states } = drive([record(0, { a: 1e-3 }), record(1), record(2, { a: Number.NaN, b: Infinity }), record(3, { a: 2e-3 })]);
    expect(events.flat()).toEqual([]);
    expect(states.map((s) => s.window)).toEqual([[1e-3], [1e-3], [1e-3], [1e-3, 2e-3]]);
  });

  it('a lower ceiling from the config fires where the default does not', () => {
    const low = { ...defaults, maxRatio: 0.01 };
    expect(drive([record(0, { a: 0.05 })], low).events.flat()).toHaveLength(1);
    expect(drive([record(0, { a: 0.05 })]).events.flat()).toEqual([]);
  });
});
