/**
 * The sweep's defaults and the bounds of its numeric settings, as plain data (no zod), so
 * `gclip sweep --help` shows them and `parseSweepFlags` checks against them: one place each.
 */
import type { NumberBounds } from '../config/bounds.js';

/**
 * The default thresholds: the 1-2-3-5 series from 0.1 to 5 (8 points, about 1.6× apart),
 * round values that cover the "try 0.1 to 5" advice on a log scale.
 */
export const DEFAULT_THRESHOLDS: readonly number[] = [0.1, 0.2, 0.3, 0.5, 1, 2, 3, 5];

/** Default number of seeds per point. */
export const DEFAULT_SEEDS = 3;

/** Default number of log-spaced thresholds in `--range`. */
export const DEFAULT_POINTS = 8;

/** Default relative final-loss tolerance of the recommendation rule (5 % of the best final loss). */
export const DEFAULT_TOLERANCE = 0.05;

/** Bounds of the numeric sweep settings. */
export const SWEEP_BOUNDS = {
  points: { integer: true, min: 2 },
  seeds: { integer: true, min: 1 },
  jobs: { integer: true, min: 1 },
  tolerance: { min: 0, lt: 1 },
  /** Seconds. */
  pointTimeout: { gt: 0 },
  /** Seconds a worker's lease lasts without renewal. */
  lease: { min: 1 },
} as const satisfies Record<string, NumberBounds>;
