import { describe, expect, it } from 'vitest';
import { foreignRecord } from '../log/index.js';
import { checkSchema } from './schema.js';
import { detectDivergence, detectSpikes } from './stats.js';

const records = (losses: readonly number[], norms?: readonly number[]) =>
  losses.map((loss, i) => foreignRecord({ step: i, loss, gradNorm: norms?.[i] ?? 1 }));
const detection = checkSchema.parse({}).detection;

describe('detectSpikes', () => {
  const opts = { window: 5, warmup: 3, zThreshold: 10, minRatio: 3 };

  it('calls nothing during warmup, however large the norm', () => {
    expect(detectSpikes(records([1, 1, 1], [1, 100, 1]), opts)).toEqual([]);
  });

  it('flags a norm far above the rolling median, with its median and z-score', () => {
    // history [1, 1.1, 0.9, 1]: median 1, |dev| [0, .1, .1, 0] → MAD 0.05; z = (10 − 1)/(1.4826 · 0.05) ≈ 121.4.
    const hits = detectSpikes(records([1, 1, 1, 1, 1], [1, 1.1, 0.9, 1, 10]), opts);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ step: 4, preClipNorm: 10, median: 1 });
    expect(hits[0]?.z).toBeCloseTo(9 / (1.4826 * 0.05), 6);
  });

  it('needs the ratio test too: a large z with a norm under minRatio × median is no spike', () => {
    // flat history: MAD 0 → z = ∞, but 2.5 < 3 × 1.
    expect(detectSpikes(records([1, 1, 1, 1], [1, 1, 1, 2.5]), opts)).toEqual([]);
    expect(detectSpikes(records([1, 1, 1, 1], [1, 1, 1, 3.5]), opts).map((h) => h.step)).toEqual([3]);
  });

  it('skips non-finite norms and keeps them out of the history', () => {
    const hits = detectSpikes(records([1, 1, 1, 1, 1], [1, Number.NaN, 1, 1, 50]), opts);
    expect(hits.map((h) => h.step)).toEqual([4]);
  });

  it('uses only the last `window` norms for the median', () => {
    // A level shift 1 → 10 is flagged until 10s fill most of the window (steps 7–9). Then 25 < 3 × 10 is no
    // spike with window 5, but is one with a window that still holds the seven 1s (median 1).
    const norms = [1, 1, 1, 1, 1, 1, 1, 10, 10, 10, 10, 10, 25];
    const log = records(norms.map(() => 1), norms);
    expect(detectSpikes(log, opts).map((h) => h.step)).toEqual([7, 8, 9]);
    expect(detectSpikes(log, { ...opts, window: 50 }).map((h) => h.step)).toEqual([7, 8, 9, 10, 11, 12]);
  });
});

describe('detectDivergence', () => {
  const opts = { factor: 10, warmup: 2, patience: 2 };

  it('fires once when the loss stays above factor × best for `patience` records', () => {
    // best 1 after record 1; 11 > 10 × 1 at records 3 and 4 → fires at 4; 12 continues the episode.
    const hits = detectDivergence(records([2, 1, 1.5, 11, 11, 12]), opts);
    expect(hits).toEqual([{ kind: 'divergence', step: 4, since: 3, loss: 11, bestLoss: 1, factor: 11, layer: null }]);
  });

  it('resets the streak when the loss falls back, and fires again for a new episode', () => {
    expect(detectDivergence(records([2, 1, 11, 1, 11, 11, 1, 11, 11]), opts).map((h) => h.step)).toEqual([5, 8]);
  });

  it('leaves non-finite losses to the nonfinite criterion: they neither count nor break a streak', () => {
    expect(detectDivergence(records([2, 1, Infinity, Number.NaN, Infinity]), opts)).toEqual([]);
    expect(detectDivergence(records([2, 1, 11, Number.NaN, 11]), opts).map((h) => h.step)).toEqual([4]);
  });

  it('ignores records inside warmup and losses not above the first loss', () => {
    // first loss 100: a drop to 1 then 50 is > 10 × best but below the first loss.
    expect(detectDivergence(records([100, 1, 50, 50, 50]), opts)).toEqual([]);
    expect(detectDivergence(records([1, 20, 20, 1]), { ...opts, warmup: 3 })).toEqual([]);
  });

  it('uses the schema defaults without firing on a smoothly falling loss', () => {
    const losses = Array.from({ length: 200 }, (_, i) => 2 * Math.exp(-i / 30) + 0.1);
    expect(detectDivergence(records(losses), detection.divergence)).toEqual([]);
    expect(detectSpikes(records(losses), detection.spike)).toEqual([]);
  });
});
