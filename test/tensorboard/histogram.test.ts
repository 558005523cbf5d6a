import { describe, expect, it } from 'vitest';
import { buildHistogram, countNonFinite, defaultBucketLimits } from '../../src/report/tensorboard/histogram.js';

const limits = defaultBucketLimits();
const DBL_MAX = Number.MAX_VALUE;

describe('defaultBucketLimits', () => {
  it('has TensorFlow size: 774 positive limits + DBL_MAX, mirrored, plus 0', () => {
    // 1e-12 · 1.1^k < 1e20 ⇔ k < 32 / log10(1.1) = 773.1, so k = 0..773: 774 limits.
    expect(limits.length).toBe(2 * (774 + 1) + 1);
    expect(limits[0]).toBe(-DBL_MAX);
    expect(limits.at(-1)).toBe(DBL_MAX);
    expect(limits[775]).toBe(0);
    expect(limits[776]).toBe(1e-12);
    expect(limits[777]).toBeCloseTo(1.1e-12, 25);
  });

  it('is strictly increasing and symmetric about 0', () => {
    for (let i = 1; i < limits.length; i++) expect(limits[i]!).toBeGreaterThan(limits[i - 1]!);
    // `+ 0` folds −0 into 0: the middle limit is 0, whose negation is −0.
    for (let i = 0; i < limits.length; i++) expect(limits[i]).toBe(-limits[limits.length - 1 - i]! + 0);
  });
});

describe('buildHistogram', () => {
  it('counts each value in the first bucket whose limit is above it and collapses empty runs', () => {
    const h = buildHistogram(Float32Array.of(0, 0, 1));
    // 0 lands above limit 0 (upper_bound), in (0, 1e-12]; 1 lands in (1.1^289·1e-12, 1.1^290·1e-12].
    const zeroBucket = limits[776]!;
    const oneBucket = limits.find((l) => l > 1)!;
    expect(h.bucketLimit).toEqual([limits[775], zeroBucket, limits[limits.indexOf(oneBucket) - 1], oneBucket, DBL_MAX]);
    expect(h.bucket).toEqual([0, 2, 0, 1, 0]);
    // Sums: 0 + 0 + 1 = 1; squares: 1.
    expect(h).toMatchObject({ min: 0, max: 1, num: 3, sum: 1, sumSquares: 1 });
  });

  it('puts negative values below 0 and keeps float64 sums', () => {
    const h = buildHistogram([-2, 3]);
    expect(h).toMatchObject({ min: -2, max: 3, num: 2, sum: 1, sumSquares: 13 });
    expect(h.bucket.reduce((a, b) => a + b, 0)).toBe(2);
    const negIndex = h.bucket.findIndex((c) => c > 0);
    expect(h.bucketLimit[negIndex]!).toBeGreaterThan(-2);
    expect(h.bucketLimit[negIndex - 1]!).toBeLessThanOrEqual(-2);
  });

  it('leaves NaN and ±Infinity out of every field', () => {
    const h = buildHistogram([Number.NaN, 1, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(h).toEqual(buildHistogram([1]));
    expect(countNonFinite([Number.NaN, 1, Number.POSITIVE_INFINITY])).toBe(2);
  });

  it("is TensorFlow's empty histogram for no finite values", () => {
    expect(buildHistogram([])).toEqual({
      min: DBL_MAX,
      max: -DBL_MAX,
      num: 0,
      sum: 0,
      sumSquares: 0,
      bucketLimit: [DBL_MAX],
      bucket: [0],
    });
  });

  it('counts DBL_MAX itself in the last bucket', () => {
    const h = buildHistogram([DBL_MAX]);
    // Everything below collapses into one empty bucket ending at the largest finite limit.
    expect(h.bucketLimit).toEqual([limits.at(-2), DBL_MAX]);
    expect(h.bucket).toEqual([0, 1]);
  });
});
