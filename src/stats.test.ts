import { describe, expect, it } from 'vitest';
import { madOfSorted, pushWindow, sortedWindow } from './detect/sorted-window.js';
import { createRng } from './runtime/rng.js';
import { mad, mean, median, medianOfSorted, percentile } from './stats.js';

describe('percentile', () => {
  it('interpolates linearly between order statistics (numpy default)', () => {
    // sorted [1, 2, 3, 4]: rank = p/100 · 3. p50 → rank 1.5 → 2.5; p90 → 2.7 → 3.7; p0 → 1; p100 → 4.
    expect(percentile([4, 1, 3, 2], 50)).toBe(2.5);
    expect(percentile([4, 1, 3, 2], 90)).toBeCloseTo(3.7, 12);
    expect(percentile([4, 1, 3, 2], 0)).toBe(1);
    expect(percentile([4, 1, 3, 2], 100)).toBe(4);
  });

  it('matches numpy linear interpolation', () => {
    // np.percentile([1,2,3,4], 90) = 3 + 0.7*(4-3) = 3.7
    expect(percentile([4, 1, 3, 2], 90)).toBeCloseTo(3.7, 12);
    expect(percentile([], 50)).toBeNull();
  });

  it('returns null for no values and the value itself for one', () => {
    expect(percentile([], 99)).toBeNull();
    expect(median([7])).toBe(7);
  });

  it('does not reorder its input', () => {
    const v = [3, 1, 2];
    median(v);
    percentile(v, 90);
    expect(v).toEqual([3, 1, 2]);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([5, 1, 3])).toBe(3);
    // sorted [1, 2, 4, 10] → (2 + 4) / 2 = 3
    expect(median([10, 2, 4, 1])).toBe(3);
  });

  it('is (a + b) / 2 where the interpolated p50 is a + (b − a) / 2, which can differ in the last bit', () => {
    // 0.1 + 0.7 = 0.7999999999999999, halved 0.39999999999999997; 0.1 + 0.3 = 0.4 (0.7 − 0.1 rounds to 0.6 then).
    expect(median([0.1, 0.7])).toBe(0.39999999999999997);
    expect(percentile([0.1, 0.7], 50)).toBe(0.4);
  });

  it('orders ±Infinity as ordinary values', () => {
    expect(median([Infinity, 1, 2])).toBe(2);
    expect(median([-Infinity, Infinity])).toBeNaN(); // (−∞ + ∞) / 2
    expect(percentile([1, Infinity], 100)).toBe(Infinity);
  });
});

describe('the empty and NaN rule', () => {
  it('gives null for no values, from every statistic', () => {
    expect([median([]), percentile([], 50), mad([], 0), mean([])]).toEqual([null, null, null, null]);
  });

  it('gives NaN when any value is NaN, wherever it sits', () => {
    for (const values of [[Number.NaN], [1, Number.NaN, 3], [Number.NaN, 1, 2, 3]]) {
      expect(median(values)).toBeNaN();
      expect(percentile(values, 0)).toBeNaN();
      expect(percentile(values, 100)).toBeNaN();
      expect(mad(values, 1)).toBeNaN();
      expect(mean(values)).toBeNaN();
    }
    expect(mad([1, 2], Number.NaN)).toBeNaN();
  });
});

describe('mad and mean', () => {
  it('mad is the median distance from the centre', () => {
    // [1, 1.1, 0.9, 1] around 1: |dev| [0, .1, .1, 0] → sorted [0, 0, .1, .1] → (0 + .1) / 2 ≈ 0.05.
    expect(mad([1, 1.1, 0.9, 1], 1)).toBeCloseTo(0.05, 12);
  });

  it('mean sums left to right', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    // (0.1 + 0.2) + 0.3 = 0.6000000000000001, / 3 = 0.20000000000000004
    expect(mean([0.1, 0.2, 0.3])).toBe(0.20000000000000004);
  });
});

describe("the spike detector's sorted-window statistics", () => {
  it('agree bit for bit with median and mad over a rolling window', () => {
    const rng = createRng(7);
    let window: number[] = [];
    for (let step = 0; step < 400; step++) {
      // Ties and a heavy tail, so both middle-value paths and the merge are exercised.
      const norm = rng.uniform() < 0.2 ? 1 : Math.exp(3 * rng.normal());
      window = pushWindow(window, norm, 9 + (step % 2));
      const sorted = sortedWindow(window);
      const center = medianOfSorted(sorted);
      expect(center).toBe(median(window));
      expect(madOfSorted(sorted, center)).toBe(mad(window, center));
    }
  });
});
