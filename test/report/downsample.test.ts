import { describe, expect, it } from 'vitest';
import { bucketReduce, columnOf, minMaxIndices, unionIndices } from '../../src/report/view/index.js';

describe('minMaxIndices', () => {
  it('keeps every index when the series fits in two points per bucket', () => {
    expect(minMaxIndices([3, 1, 2, 5], 2)).toEqual([0, 1, 2, 3]);
  });

  it('keeps a one-step spike and a one-step dip among 100k flat points', () => {
    const values = new Float64Array(100_000).fill(1);
    values[31_337] = 1e6;
    values[77_000] = 1e-6;
    const kept = minMaxIndices(values, 500);
    expect(kept).toContain(31_337);
    expect(kept).toContain(77_000);
    // 500 buckets × at most (min, max, first non-finite) = 1500 points.
    expect(kept.length).toBeLessThanOrEqual(1500);
  });

  it('keeps the first non-finite index of a bucket so gaps stay visible', () => {
    const values = Array.from({ length: 1000 }, () => 1);
    values[500] = Number.NaN;
    values[501] = Number.POSITIVE_INFINITY;
    const kept = minMaxIndices(values, 10);
    expect(kept).toContain(500);
    expect(kept).not.toContain(501);
  });

  it('returns ascending unique indices', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => Math.sin(i / 7) * (i % 97));
    const kept = minMaxIndices(values, 100);
    expect(kept).toEqual([...new Set(kept)].sort((a, b) => a - b));
  });
});

describe('unionIndices', () => {
  it('merges index lists in order without duplicates', () => {
    expect(unionIndices(10, [[1, 5, 9], [0, 5], []])).toEqual([0, 1, 5, 9]);
  });
});

describe('bucketReduce and columnOf', () => {
  it('folds each column with max, skipping non-finite values', () => {
    // 10 values in 3 columns: buckets [0,3), [3,6), [6,10).
    expect(bucketReduce([1, 9, 2, Number.NaN, 4, 3, 0, 0, 7, 0], 3, 'max')).toEqual([9, 4, 7]);
    expect(bucketReduce([1, 9, 2, Number.NaN, 4, 3, 0, 0, 7, 0], 3, 'min')).toEqual([1, 3, 0]);
    expect(bucketReduce([1, 2, Number.NaN, Number.NaN], 2, 'last')).toEqual([2, Number.NaN]);
  });

  it('puts index i in the column whose bucket contains it', () => {
    for (const [n, w] of [[10, 3], [10_007, 72], [7, 7], [5, 40]] as const) {
      for (let i = 0; i < n; i += Math.max(1, Math.floor(n / 301))) {
        const values = Array.from({ length: n }, (_, j) => (j === i ? 1 : 0));
        const cols = bucketReduce(values, w, 'max');
        expect(cols.indexOf(1)).toBe(columnOf(i, n, w));
      }
    }
  });
});
