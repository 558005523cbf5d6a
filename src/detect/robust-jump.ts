/**
 * The robust jump test the spike and update-ratio detectors share: is a value far above the
 * recent history of its kind (pre-clip norms, largest update ratios)? Median and MAD make
 * the test robust: a few earlier spikes in the window barely move them, as they would a
 * mean and standard deviation.
 */
import { MAD_TO_SIGMA, medianOfSorted } from '../stats.js';
import { madOfSorted, sortedWindow } from './sorted-window.js';

/** The thresholds of the jump test (the detectors' `zThreshold`, `minRatio`, `warmup`, `grossRatio`). */
export interface JumpOptions {
  readonly zThreshold: number;
  readonly minRatio: number;
  /** Window length below which only a gross jump counts. */
  readonly warmup: number;
  /** The gross-jump factor during the warm-up (Infinity: no jump counts then). */
  readonly grossRatio: number;
}

/** How far a value stands above its window: the window's median, the robust z-score, and the verdict. */
export interface Jump {
  readonly median: number;
  readonly z: number;
  readonly jumped: boolean;
}

/**
 * Whether `value` jumps above `window` (the values before it, finite, oldest first).
 *
 * z = (value − median) / (1.4826·MAD + 1e-12), median and MAD of the window (`src/stats`
 * rules; 1e-12 keeps z finite for a flat window). Once the window holds `warmup` values, a
 * jump needs z > zThreshold AND value > minRatio × median: the ratio guard stops a
 * perfectly flat history (MAD ≈ 0, z huge) from flagging tiny wiggles. Before that, only
 * a gross jump counts: median > 0 and value > grossRatio × median. An empty window gives
 * median and z NaN and no jump (nothing to compare with).
 */
export function robustJump(window: readonly number[], value: number, o: JumpOptions): Jump {
  if (window.length === 0) return { median: Number.NaN, z: Number.NaN, jumped: false };
  const sorted = sortedWindow(window);
  const median = medianOfSorted(sorted);
  const z = (value - median) / (MAD_TO_SIGMA * madOfSorted(sorted, median) + 1e-12);
  const jumped = window.length >= o.warmup ? z > o.zThreshold && value > o.minRatio * median : median > 0 && value > o.grossRatio * median;
  return { median, z, jumped };
}
