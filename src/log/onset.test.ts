import { describe, expect, it } from 'vitest';
import { createDivergenceDetector, createSpikeDetector, withDetectedEvents } from '../detect/index.js';
import { foreignRecord } from './foreign.js';
import { blameLayer, onsetText } from './onset.js';
import type { StepRecord } from './schema.js';
import { summarizeRecords } from './summary.js';

const rec = (step: number, loss: number, norm: number, layerNorms: Record<string, number> = {}): StepRecord => ({
  ...foreignRecord({ step, loss, gradNorm: norm }),
  layerNorms,
});

/** Records with the default detectors' events, summarised as check and report do. */
const judge = (rs: StepRecord[]) => summarizeRecords(withDetectedEvents(rs));

describe('onset', () => {
  it('starts at the first departed step of the streak that led to the divergence', () => {
    // loss 2 → 1.5 → 40 (26.7× best) and up: divergence fires at step 6 (patience 5), streak since 2.
    const losses = [2, 1.5, 40, 400, 4000, 3000, 5e4, 6e5];
    const rs = losses.map((l, i) => rec(i, l, 1, { a: 1, b: i >= 2 ? 50 : 1 }));
    const s = judge(rs);
    expect(s.onset).toMatchObject({ step: 2, signal: 'loss', layer: 'b' });
    expect(s.onset?.lossRatio).toBeCloseTo(40 / 1.5);
    expect(s.firstBadStep).toBe(2);
    expect(onsetText(s.onset)).toBe('step 2 (loss 26.67× the best before it), layer b');
  });

  it('walks back past a warm-up that muted a 12× rise', () => {
    // 12× the best is below the gross factor (20): the warm-up mutes it until step 10, but the onset is step 1.
    const losses = [1, 12, 13, 14, 15, 16, 17, 18, 19, 19.5, 19.8, 19.9, 19.95, 19.97, 19.99];
    const s = judge(losses.map((l, i) => rec(i, l, 1)));
    expect(s.events).toEqual({ divergence: 1 });
    expect(s.onset?.step).toBe(1);
  });

  it('is the first non-finite step when nothing departed before it', () => {
    const s = judge([rec(0, 1, 1), rec(1, 0.9, 1), rec(2, Number.NaN, Number.NaN)]);
    expect([s.onset?.step, s.onset?.signal, s.firstNonfiniteStep]).toEqual([2, 'nonfinite', 2]);
  });

  it('includes a gradient norm 1000× the early scale right before the non-finite step', () => {
    const s = judge([rec(0, 1, 1), rec(1, 0.9, 1), rec(2, 0.9, 5e3), rec(3, Number.NaN, Number.NaN)]);
    expect([s.onset?.step, s.onset?.signal]).toEqual([2, 'grad_norm']);
  });

  it('is null for early noise: a loss that rises for two steps from a tiny start', () => {
    const losses = [1e-3, 3e-2, 2e-2, 4e-3, 2e-3, 1e-3, 9e-4, 8e-4, 7e-4, 6e-4, 5e-4, 5e-4];
    const s = judge(losses.map((l, i) => rec(i, l, 0.1 + i * 0.01)));
    expect([s.onset, s.firstBadStep, s.events]).toEqual([null, null, {}]);
  });

  it('does not take a finite value right after a non-finite streak as the best loss', () => {
    const rs = [rec(0, 2, 1), rec(1, 1.5, 1), rec(2, Number.NaN, Number.NaN), rec(3, Number.NaN, Number.NaN), rec(4, 0, 0)];
    expect(summarizeRecords(rs).bestLoss).toEqual({ value: 1.5, step: 1 });
  });
});

describe('blameLayer', () => {
  it('blames the layer whose norm rose most relative to its own recent scale', () => {
    const recent = new Map([['big', [100, 110, 90]], ['small', [1, 1, 1]]]);
    // big went 100 → 300 (3×), small 1 → 20 (20×): small is blamed though big is larger.
    expect(blameLayer({ big: 300, small: 20 }, recent)).toEqual({ layer: 'small', ratio: 20 });
  });

  it('blames a non-finite layer outright', () => {
    expect(blameLayer({ a: 5, b: Number.POSITIVE_INFINITY }, new Map([['a', [1]]]))).toEqual({ layer: 'b', ratio: Infinity });
  });
});

describe('gross departures are never muted by a warm-up', () => {
  it('divergence counts a 30× loss jump from the second step', () => {
    const d = createDivergenceDetector({ factor: 10, warmup: 10, patience: 2, grossFactor: 20 });
    let state = d.init();
    const fired = [1, 30, 35].flatMap((loss, step) => {
      const out = d.observe({ record: rec(step, loss, 1), weightsFinite: true }, state);
      state = out.state;
      return out.events;
    });
    expect(fired).toMatchObject([{ kind: 'divergence', step: 2, since: 1 }]);
  });

  it('spike calls a 1e6× norm jump inside the warm-up, and not a 10× one', () => {
    const s = createSpikeDetector({ window: 50, warmup: 20, zThreshold: 10, minRatio: 3, grossRatio: 1000 });
    let state = s.init();
    const fired = [1, 1.2, 10, 1e6].flatMap((norm, step) => {
      const out = s.observe({ record: rec(step, 1, norm), weightsFinite: true }, state);
      state = out.state;
      return out.events.map((e) => e.step);
    });
    expect(fired).toEqual([3]);
  });
});
