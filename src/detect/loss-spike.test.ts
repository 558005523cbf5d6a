import { describe, expect, it } from 'vitest';
import { detectSchema } from '../config/schema.js';
import type { RunEvent, StepRecord } from '../record.js';
import { createLossSpikeDetector, type LossSpikeState } from './loss-spike.js';

const defaults = detectSchema.parse({}).lossSpike;

/** A record whose relevant fields are the loss and two layers' norms (b jumps with the loss when `jump`). */
function record(step: number, loss: number, jump = false): StepRecord {
  return {
    step, loss, preClipNorm: 1, postClipNorm: 1, clipCoef: 1, clipped: false, threshold: null, layerNorms: { a: 1, b: jump ? 50 : 1 }, layerNormsPost: {},
    lr: 0.1, valLoss: null, wallMs: 0, events: [], skipped: false,
  };
}

/** Feeds the losses in order; returns every event and the last state. */
function drive(losses: readonly number[], options = defaults, jumpAt = -1): { events: RunEvent[]; state: LossSpikeState } {
  const d = createLossSpikeDetector(options);
  let state = d.init();
  const events: RunEvent[] = [];
  losses.forEach((loss, step) => {
    const out = d.observe({ record: record(step, loss, step === jumpAt), weightsFinite: true }, state);
    state = out.state;
    events.push(...out.events);
  });
  return { events, state };
}

/** A healthy loss: 1 → 0.1 over 60 steps with ±10 % batch noise. */
const healthy = (k: number): number => (0.1 + 0.9 * Math.exp(-k / 15)) * (1 + 0.1 * ((k % 3) - 1));

describe('loss-spike detector', () => {
  it('reports nothing on a healthy decreasing loss', () => {
    expect(drive(Array.from({ length: 60 }, (_, k) => healthy(k))).events).toEqual([]);
  });

  it('reports a one-step jump above factor × the rolling median once, with the median of the 20 losses before it and the layer that jumped', () => {
    const losses = Array.from({ length: 60 }, (_, k) => (k === 40 ? 3 : healthy(k)));
    const before = losses.slice(20, 40).sort((a, b) => a - b);
    const median = (before[9]! + before[10]!) / 2;
    const { events } = drive(losses, defaults, 40);
    expect(events).toEqual([{ kind: 'lossSpike', step: 40, loss: 3, median, factor: 3 / median, layer: 'b' }]);
    expect(3 / median).toBeGreaterThan(defaults.factor);
  });

  it('fires once per excursion: a jump that decays over a few steps is one event, a second jump after it settled is another', () => {
    const losses = Array.from({ length: 70 }, (_, k) => healthy(k));
    losses.splice(30, 4, 8, 6, 5, 4.5);
    losses[55] = 6;
    expect(drive(losses).events.map((e) => e.step)).toEqual([30, 55]);
  });

  it('a jump just under the factor is no spike; just over it is', () => {
    const flat = Array.from({ length: 30 }, () => 0.5);
    expect(drive([...flat, 0.5 * 9.99]).events).toEqual([]);
    expect(drive([...flat, 0.5 * 10.01]).events).toHaveLength(1);
  });

  it('mutes jumps below grossFactor during the warm-up but not a gross one', () => {
    expect(drive([1, 1.1, 0.9, 30]).events).toEqual([]);
    expect(drive([1, 1.1, 0.9, 150]).events.map((e) => e.step)).toEqual([3]);
  });

  it('ignores a converged loss wobbling near 0: the jump must reach minOfFirstLoss × the first loss', () => {
    const converged = [2.3, ...Array.from({ length: 40 }, () => 1e-3)];
    // 50× the median, but 0.05 < 0.1 × 2.3: noise of a fitted classifier, not a spike.
    expect(drive([...converged, 0.05]).events).toEqual([]);
    expect(drive([...converged, 0.3]).events.map((e) => e.step)).toEqual([41]);
  });

  it('skips non-finite losses and never calls a spike against a median ≤ 0', () => {
    const { events, state } = drive([1, Number.NaN, 1, Infinity, 1]);
    expect(events).toEqual([]);
    expect(state.window).toEqual([1, 1, 1]);
    expect(drive([...Array.from({ length: 20 }, () => -1), 5]).events).toEqual([]);
    expect(drive([...Array.from({ length: 20 }, () => 0), 5]).events).toEqual([]);
  });

  it('keeps plain-data state (JSON round trip gives the same verdicts)', () => {
    const d = createLossSpikeDetector(defaults);
    const { state } = drive(Array.from({ length: 30 }, (_, k) => healthy(k)));
    const copy = JSON.parse(JSON.stringify(state)) as LossSpikeState;
    expect(d.observe({ record: record(30, 9), weightsFinite: true }, copy).events).toEqual(d.observe({ record: record(30, 9), weightsFinite: true }, state).events);
  });
});
