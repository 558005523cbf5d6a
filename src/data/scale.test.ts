import { describe, expect, it } from 'vitest';
import type { HostDataset } from './dataset.js';
import { applyNormalization, fitNormalization } from './normalize.js';
import { diagnoseGradientScale, diagnoseInputScale } from './scale.js';
import { splitDataset } from './split.js';
import { createRng } from '../runtime/rng.js';

/** Rows of [rate, sqft] and a price target. */
function houses(rows: [number, number, number][]): HostDataset {
  return {
    task: 'regression',
    x: Float32Array.from(rows.flatMap((r) => [r[0], r[1]])),
    y: Float32Array.from(rows.map((r) => r[2])),
    inputShape: [2],
    outputDim: 1,
    samples: rows.length,
    featureNames: ['rate', 'sqft'],
  };
}

describe('diagnoseInputScale', () => {
  const ds = houses([
    [0.3, 1200, 240000],
    [0.5, 2000, 2.4e6],
    [0.001, 800, 90000],
  ]);

  it('names the target and the large feature, largest first, with the fix', () => {
    const hints = diagnoseInputScale(ds, { normalized: false, targetName: 'price' });
    expect(hints.map((h) => [h.code, h.column, h.role])).toEqual([
      ['large_column', 'price', 'target'],
      ['large_column', 'sqft', 'feature'],
      ['mixed_scales', 'sqft', 'feature'],
    ]);
    expect(hints[0]!.message).toBe('`price` reaches 2.4e6 and is not normalised');
    expect(hints[0]!.hint).toContain('`data.normalize: true`');
    // max |sqft| / max |rate| = 2000 / 0.5 = 4000 ≥ 1e3: about 4 orders of magnitude.
    expect(hints[2]!.message).toBe('features span 4 orders of magnitude (`sqft` up to 2000, `rate` up to 0.5)');
  });

  it('says nothing when the run normalises, or when every column is small', () => {
    expect(diagnoseInputScale(ds, { normalized: true })).toEqual([]);
    expect(diagnoseInputScale(houses([[1, 2, 3], [0.5, 1, 2]]), { normalized: false })).toEqual([]);
  });
});

describe('diagnoseGradientScale', () => {
  it('flags a median first-step norm ≥ 1e3 and ignores NaN', () => {
    expect(diagnoseGradientScale([5e3, Number.NaN, 2e4, 8e3], { normalized: false })[0]?.message).toBe('the first 4 steps have a median gradient norm of 8000');
    expect(diagnoseGradientScale([3, 900, 2e4], { normalized: false })).toEqual([]);
    expect(diagnoseGradientScale([], { normalized: false })).toEqual([]);
  });

  it('never suggests clipping to a run that already clips', () => {
    expect(diagnoseGradientScale([5e3], { normalized: true })[0]?.hint).toContain('--clip-norm 1');
    const hint = diagnoseGradientScale([5e3], { normalized: false, clipping: 'clip.kind norm, max norm 1' })[0]?.hint ?? '';
    expect(hint).not.toContain('--clip-norm');
    expect(hint).toContain('already clips (clip.kind norm, max norm 1)');
  });
});

describe('normalization', () => {
  it('uses training-split statistics only: validation rows never move the mean', () => {
    const rows: [number, number, number][] = Array.from({ length: 20 }, (_, i) => [i, 100 * i, 1000 * i]);
    const { train, val } = splitDataset(houses(rows), 0.25, createRng(1));
    const norm = fitNormalization(train, ['price']);
    const trainRooms = Array.from(train.x).filter((_, i) => i % 2 === 0);
    expect(norm.features[0]!.mean).toBeCloseTo(trainRooms.reduce((a, b) => a + b) / trainRooms.length, 5);
    const scaled = applyNormalization(train, norm);
    const sx = Array.from(scaled.x).filter((_, i) => i % 2 === 0);
    expect(sx.reduce((a, b) => a + b) / sx.length).toBeCloseTo(0, 5);
    expect(Math.sqrt(sx.reduce((a, b) => a + b * b, 0) / sx.length)).toBeCloseTo(1, 5);
    expect(norm.target![0]).toMatchObject({ name: 'price' });
    // The validation split is scaled with the same (training) statistics.
    expect(applyNormalization(val, norm).x[0]).toBeCloseTo((val.x[0]! - norm.features[0]!.mean) / norm.features[0]!.std, 5);
  });

  it('maps a constant column to 0 (std 1), not NaN, and leaves a one-hot target alone', () => {
    const ds: HostDataset = { task: 'classification', x: Float32Array.from([5, 5, 5]), y: Float32Array.from([1, 0, 0, 1, 1, 0]), inputShape: [1], outputDim: 2, samples: 3 };
    const norm = fitNormalization(ds);
    expect([norm.features[0]!.std, norm.target]).toEqual([1, null]);
    const out = applyNormalization(ds, norm);
    expect(Array.from(out.x)).toEqual([0, 0, 0]);
    expect(out.y).toBe(ds.y);
  });
});
