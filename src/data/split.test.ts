import { describe, expect, it } from 'vitest';
import { createRng } from '../runtime/rng.js';
import type { HostDataset } from './dataset.js';
import { splitDataset, valCount } from './split.js';

/** Row i has x = [i, -i] and y = [10 i]: the row index is recoverable from either part. */
function indexed(samples: number): HostDataset {
  const x = new Float32Array(samples * 2);
  const y = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    x[2 * i] = i;
    x[2 * i + 1] = -i;
    y[i] = 10 * i;
  }
  return { task: 'regression', x, y, inputShape: [2], outputDim: 1, samples, featureNames: ['a', 'b'] };
}

const rowsOf = (ds: HostDataset): number[] => Array.from({ length: ds.samples }, (_, r) => ds.x[2 * r]!);

describe('splitDataset', () => {
  it('without rng holds out the last rows, in order', () => {
    const { train, val } = splitDataset(indexed(10), 0.3);
    expect(rowsOf(train)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(rowsOf(val)).toEqual([7, 8, 9]);
    expect(Array.from(val.y)).toEqual([70, 80, 90]);
    expect(val.featureNames).toEqual(['a', 'b']);
  });

  it('with rng the parts are disjoint, cover every row and depend only on the seed', () => {
    const a = splitDataset(indexed(101), 0.2, createRng(5));
    const b = splitDataset(indexed(101), 0.2, createRng(5));
    const c = splitDataset(indexed(101), 0.2, createRng(6));
    expect(rowsOf(a.val)).toEqual(rowsOf(b.val));
    expect(rowsOf(a.val)).not.toEqual(rowsOf(c.val));
    const all = [...rowsOf(a.train), ...rowsOf(a.val)].sort((p, q) => p - q);
    expect(all).toEqual(Array.from({ length: 101 }, (_, i) => i));
    expect(a.val.samples).toBe(20); // floor(101 * 0.2)
    for (let r = 0; r < a.val.samples; r++) expect(a.val.y[r]).toBe(10 * a.val.x[2 * r]!);
  });

  it('valFraction 0 gives an empty validation set and a one-row dataset stays in train', () => {
    expect(splitDataset(indexed(5), 0).val.samples).toBe(0);
    expect(splitDataset(indexed(1), 0.9).train.samples).toBe(1);
    expect(valCount(10, 0.9)).toBe(9);
    expect(valCount(3, 0.2)).toBe(0);
  });
});
