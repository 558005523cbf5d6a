import { describe, expect, it } from 'vitest';
import { detectSchema } from '../config/schema.js';
import type { RunEvent, StepRecord } from '../record.js';
import { median } from '../stats.js';
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

/**
 * Steps 0–40 of `gclip train --config configs/exploding-rnn.yaml --clip-norm 1` (seed 0,
 * wasm), layer ratios [rnn, head] to 6 digits: a healthy run (status ok). Every step but 29
 * is clipped; while the pre-clip norm is 30–500 the rnn layer takes nearly all of the bounded
 * update (r ≈ 0.00871, MAD ≈ 0), then the update moves to the head (r 0.03–0.065).
 */
const CLIPPED_RNN: readonly (readonly [number, number])[] = [
  [0.00871749, 0.000399334], [0.00871695, 0.00110314], [0.0087138, 0.0020199], [0.00866776, 0.00737888], [0.00860341, 0.0110459],
  [0.00869672, 0.00489056], [0.00871852, 0.000550924], [0.00867392, 0.00696956], [0.00870574, 0.00374928], [0.0084792, 0.0161209],
  [0.00871179, 0.00283636], [0.0087181, 0.00102912], [0.00871091, 0.0030043], [0.00871408, 0.00213653], [0.00753381, 0.0349595],
  [0.00854614, 0.0138636], [0.0087147, 0.00183274], [0.00814732, 0.0248572], [0.00785477, 0.030485], [0.00592039, 0.0513122],
  [0.00694337, 0.0426821], [0.00544018, 0.0548836], [0.00636329, 0.0484515], [0.00514847, 0.0569089], [0.0063629, 0.0486337],
  [0.00749918, 0.0360992], [0.00871084, 0.00350745], [0.00499312, 0.0585878], [0.0062744, 0.0491438], [0.00356758, 0.0323979],
  [0.004516, 0.0614688], [0.00412822, 0.062794], [0.00417695, 0.0631992], [0.0040507, 0.0632623], [0.00424026, 0.0630557],
  [0.00410138, 0.0631849], [0.00411019, 0.0637819], [0.00379408, 0.0646037], [0.00402501, 0.0643047], [0.00378689, 0.0647443],
  [0.0039441, 0.0647478],
];
const clippedRecords = (): StepRecord[] => CLIPPED_RNN.map(([rnn, head], k) => record(k, { rnn, head }));

describe('update-ratio detector on a healthy clipped run', () => {
  it('stays quiet while the bounded update moves from the rnn layer to the head', () => {
    expect(drive(clippedRecords()).events.flat()).toEqual([]);
  });

  it('with the spike detector\'s 3× it called the move a jump at every step until the median caught up (the false alarm)', () => {
    const { events } = drive(clippedRecords(), { ...defaults, minRatio: 3 });
    expect(events.flatMap((e) => e.map((x) => x.step))).toEqual([20, 21, 22, 23, 24, 25, 27, 28]);
    // Step 20: 0.0427 against a median of 0.00872 (4.9×) over a window whose MAD is tiny.
    expect((events[20]![0] as { z: number }).z).toBeGreaterThan(1000);
  });

  it('still fires on a real jump after it: an update of 0.9 of the head\'s weights, 26× the median (0.035)', () => {
    const { events } = drive([...clippedRecords(), record(41, { rnn: 0.004, head: 0.9 })]);
    const window = CLIPPED_RNN.map(([rnn, head]) => Math.max(rnn, head));
    expect(events.slice(0, 41).flat()).toEqual([]);
    expect(events[41]).toEqual([expect.objectContaining({ kind: 'updateRatio', step: 41, ratio: 0.9, median: median(window), layer: 'head', ceiling: false })]);
    expect(0.9 / median(window)!).toBeGreaterThan(defaults.minRatio);
    // The same step at 9× the median is not a jump.
    const nine = 9 * median(window)!;
    expect(drive([...clippedRecords(), record(41, { rnn: 0.004, head: nine })]).events.flat()).toEqual([]);
  });
});
