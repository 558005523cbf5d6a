import { describe, expect, it } from 'vitest';
import { eventFileName, initClipRate, nextClipRate, stepScalars } from '../../src/report/tensorboard/scalars.js';
import { record } from './helpers.js';

describe('nextClipRate', () => {
  it('is the clipped fraction of the steps seen so far, state checked after every step', () => {
    let state = initClipRate();
    const script: [boolean, number][] = [
      [true, 1], // 1/1
      [false, 0.5], // 1/2
      [false, 1 / 3], // 1/3
      [true, 0.5], // 2/4
    ];
    for (const [clipped, rate] of script) {
      const next = nextClipRate(state, clipped);
      expect(next.rate).toBe(rate);
      expect(next.state.recent.at(-1)).toBe(clipped);
      state = next.state;
    }
    expect(state).toEqual({ recent: [true, false, false, true] });
  });

  it('forgets steps older than 100', () => {
    let state = initClipRate();
    for (let i = 0; i < 100; i++) state = nextClipRate(state, true).state;
    // 100 clipped; the 101st step (unclipped) pushes the first out: 99/100.
    const next = nextClipRate(state, false);
    expect(next.rate).toBe(0.99);
    expect(next.state.recent.length).toBe(100);
  });

  it('does not mutate the state it is given', () => {
    const state = Object.freeze({ recent: Object.freeze([true]) });
    expect(() => nextClipRate(state, false)).not.toThrow();
    expect(state.recent).toEqual([true]);
  });
});

describe('stepScalars', () => {
  it('emits the fixed tags then one per layer', () => {
    const tags = stepScalars(record(7, { valLoss: 0.4 }), 0.25).map((v) => v.tag);
    expect(tags).toEqual([
      'loss',
      'grad_norm/pre_clip',
      'grad_norm/post_clip',
      'clip/coef',
      'clip/rate',
      'clip/threshold',
      'lr',
      'val/loss',
      'grad_norm_layer/dense/kernel',
      'grad_norm_layer/dense/bias',
    ]);
  });

  it('adds the update norm and the per-layer update norms and ratios when the record has them', () => {
    const r = record(3, { updateNorm: 0.02, layerUpdateNorms: { dense: 0.02 }, layerUpdateRatios: { dense: 1.5e-3 } });
    expect(stepScalars(r, 0).slice(-3)).toEqual([
      { tag: 'update/norm', simpleValue: 0.02 },
      { tag: 'update_norm_layer/dense', simpleValue: 0.02 },
      { tag: 'update_ratio_layer/dense', simpleValue: 1.5e-3 },
    ]);
    expect(stepScalars(record(3), 0).map((v) => v.tag).filter((t) => t.startsWith('update'))).toEqual([]);
  });

  it('leaves out val/loss and clip/threshold when null and passes non-finite values through', () => {
    const values = stepScalars(record(1, { loss: Number.NaN, preClipNorm: Number.POSITIVE_INFINITY, threshold: null }), 0);
    expect(values.map((v) => v.tag)).not.toContain('val/loss');
    expect(values.map((v) => v.tag)).not.toContain('clip/threshold');
    expect(values[0]).toEqual({ tag: 'loss', simpleValue: Number.NaN });
    expect(values[1]).toEqual({ tag: 'grad_norm/pre_clip', simpleValue: Number.POSITIVE_INFINITY });
  });
});

describe('eventFileName', () => {
  it('floors the clock to whole seconds', () => {
    expect(eventFileName(1_700_000_000_999, 'host')).toBe('events.out.tfevents.1700000000.host');
  });
});
