import { describe, expect, it } from 'vitest';
import { MAD_TO_SIGMA, mad, median } from '../stats.js';
import { robustJump } from './robust-jump.js';
import { pushWindow } from './sorted-window.js';

const opts = { zThreshold: 6, minRatio: 3, warmup: 5, grossRatio: 100 };

/** The formula from the plain stats functions (sorting afresh), as an independent reference. */
function reference(window: number[], value: number): { median: number; z: number } {
  const m = median(window)!;
  return { median: m, z: (value - m) / (MAD_TO_SIGMA * mad(window, m)! + 1e-12) };
}

describe('robustJump', () => {
  it.each([
    [[1, 2, 3, 4, 5], 20],
    [[5, 1, 4, 2, 3, 2], 2.5],
    [[0.9, 1.1, 1, 1, 0.95, 1.05, 30], 0.5],
  ])('median and z of %j against %d match the stats module bit for bit', (window, value) => {
    const { median: m, z } = robustJump(window, value, opts);
    expect({ median: m, z }).toEqual(reference(window, value));
  });

  it('after the warm-up needs both z > zThreshold and value > minRatio × median', () => {
    // median 3, MAD 1: z(20) = 17 / 1.4826 ≈ 11.5 > 6 and 20 > 9: a jump.
    expect(robustJump([1, 2, 3, 4, 5], 20, opts).jumped).toBe(true);
    // z(10) = 7 / 1.4826 ≈ 4.7 < 6: not a jump, though 10 > 3 × 3.
    expect(robustJump([1, 2, 3, 4, 5], 10, opts).jumped).toBe(false);
    // A flat window (MAD 0) makes z huge for any rise; the ratio guard keeps 1.5 × median quiet.
    const flat = robustJump([2, 2, 2, 2, 2], 3, opts);
    expect(flat.z).toBeGreaterThan(1e11);
    expect(flat.jumped).toBe(false);
  });

  it('during the warm-up counts only a gross jump over a positive median', () => {
    expect(robustJump([1, 1.2], 50, opts)).toMatchObject({ jumped: false }); // 50 < 100 × 1.1
    expect(robustJump([1, 1.2], 200, opts)).toMatchObject({ jumped: true });
    expect(robustJump([0, 0], 1e9, opts)).toMatchObject({ jumped: false }); // median 0: no scale to compare with
    expect(robustJump([1, 1.2], 1e9, { ...opts, grossRatio: Infinity }).jumped).toBe(false);
  });

  it('has nothing to compare with on an empty window: median and z NaN, no jump', () => {
    const j = robustJump([], 1e9, opts);
    expect(j.jumped).toBe(false);
    expect([j.median, j.z].every(Number.isNaN)).toBe(true);
  });

  it('gives the same answer from a window kept sorted incrementally (pushWindow) as from a fresh one', () => {
    let window: number[] = [];
    for (const v of [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8]) {
      expect(robustJump(window, v, opts)).toEqual(robustJump([...window], v, opts));
      window = pushWindow(window, v, 6);
    }
  });
});
