/**
 * Data-driven threshold cross-checks printed beside the recommendation: statistics of the
 * unclipped baseline's pre-clip norms (Pascanu et al.'s mean norm, AutoClip-style percentiles).
 */
import type { NormStats, PointResult } from './metrics.js';
import { isStable } from './recommend.js';
import { median } from '../stats.js';

/** Threshold suggestions from the baseline's pre-clip norms before any instability. */
export interface CrossChecks {
  /** Steps (pooled over baseline seeds) the statistics describe. */
  readonly steps: number;
  /**
   * False when the baseline failed in some seed: its norms then cover only the steps
   * before the loss diverged, which may already include the blow-up, so read them as an
   * upper bound.
   */
  readonly baselineStable: boolean;
  /** Median over seeds of the mean pre-clip norm: Pascanu et al. 2013 suggest a threshold near it. */
  readonly meanNorm: number;
  /** Medians over seeds of the 10th/50th/90th percentiles; AutoClip's default picks p10. */
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
}

/** Cross-checks from the baseline's per-seed norm statistics (medians over seeds), or null without a baseline. */
export function crossChecks(points: readonly PointResult[]): CrossChecks | null {
  const baseline = points.find((p) => p.strategy === 'none');
  const stats = baseline?.runs.map((r) => r.norms).filter((n): n is NormStats => n !== null) ?? [];
  if (baseline === undefined || stats.length === 0) return null;
  // Never null: `stats` is not empty.
  const overSeeds = (pick: (s: NormStats) => number): number => median(stats.map(pick))!;
  return {
    steps: stats.reduce((a, s) => a + s.count, 0),
    baselineStable: isStable(baseline),
    meanNorm: overSeeds((s) => s.mean),
    p10: overSeeds((s) => s.p10),
    p50: overSeeds((s) => s.p50),
    p90: overSeeds((s) => s.p90),
  };
}
