/**
 * Steps 1 to 3 of the recommendation rule (recommend.ts; docs/sweep.md): which points are
 * candidates, and how two points compare seed by seed. Pure functions of the measured
 * point table.
 */
import type { PointResult } from './metrics.js';

/** A clip rate at or above this is "clips every step": a larger threshold is then a larger step, not less intervention. */
export const SATURATED_CLIP_RATE = 0.95;

/** Is every seed of the point stable? */
export function isStable(p: PointResult): boolean {
  return p.seeds > 0 && p.stableSeeds === p.seeds;
}

const isFixed = (p: PointResult): boolean => p.strategy === 'norm' && p.threshold !== null;

/** The safe region of step 2: fixed thresholds ascending, plus the baseline when it qualifies. */
export function safeRegion(points: readonly PointResult[]): PointResult[] {
  const fixed = points.filter(isFixed).sort((a, b) => a.threshold! - b.threshold!);
  const start = fixed.findIndex(isStable);
  const region: PointResult[] = [];
  let broken = false;
  for (const p of start < 0 ? [] : fixed.slice(start)) {
    if (!isStable(p)) {
      broken = true;
      break;
    }
    region.push(p);
  }
  const baseline = points.find((p) => p.strategy === 'none');
  if (baseline && isStable(baseline) && !broken) region.push(baseline);
  return region;
}

/** Is `a`'s value below `b`'s with the same seed, in every seed of `b` (and `b` has some)? */
function lowerInEverySeed(a: PointResult, b: PointResult, value: (r: PointResult['runs'][number]) => number): boolean {
  const bySeed = new Map(a.runs.map((r) => [r.seed, value(r)]));
  return b.runs.length > 0 && b.runs.every((r) => {
    const x = bySeed.get(r.seed);
    return x !== undefined && Number.isFinite(x) && x < value(r);
  });
}

/**
 * The overshoot clause of step 3: the smaller threshold of `region` under which the loss
 * fell faster than under `p` in every seed (lower `lossAuc`, the mean loss over the run,
 * seed by seed), the one with the lowest median `lossAuc` when several do; null when none
 * does, and always for the baseline and adaptive rows.
 *
 * Clipping bounds the step, so a larger threshold allows larger steps; below the edge of
 * what the model tolerates, larger steps make the loss fall faster. When, in every seed, a
 * larger threshold makes it fall *slower* than a smaller one, its steps overshoot: the
 * loss bounces on a plateau and comes down, if at all, late in the run, and whether a
 * fresh seed recovers in time is luck. Such a point is marginal even when its final loss
 * is lower, and is never best nor chosen.
 */
export function overshotBy(p: PointResult, region: readonly PointResult[]): PointResult | null {
  if (!isFixed(p)) return null;
  const faster = region.filter((q) => isFixed(q) && q.threshold! < p.threshold! && lowerInEverySeed(q, p, (r) => r.lossAuc));
  return faster.reduce<PointResult | null>((a, b) => (a === null || b.lossAuc < a.lossAuc ? b : a), null);
}

/** The candidates of steps 3 and 4: the safe region without its overshooting thresholds, ascending. */
export function candidates(points: readonly PointResult[]): PointResult[] {
  const region = safeRegion(points);
  return region.filter((p) => overshotBy(p, region) === null);
}

/**
 * Per seed, is `p`'s final loss at most `tolerance` (relative to `best`'s loss with the same
 * seed) above `best`'s? A seed missing from either, or non-finite, is not as good.
 */
export function pairedAsGood(p: PointResult, best: PointResult, tolerance: number): boolean {
  if (p === best) return true;
  const bestBySeed = new Map(best.runs.map((r) => [r.seed, r.finalLoss]));
  return p.runs.length > 0 && p.runs.every((r) => {
    const b = bestBySeed.get(r.seed);
    return b !== undefined && Number.isFinite(b) && Number.isFinite(r.finalLoss) && r.finalLoss - b <= tolerance * Math.abs(b);
  });
}

/**
 * A point's paired score: the mean over its seeds of the final loss, the expected final
 * loss of a fresh run. Every point of a sweep has the same seeds, so comparing two scores
 * is the mean per-seed difference of their losses (a paired comparison in which each
 * seed's own level cancels). Unlike the median of 3 it lets every seed count, and unlike
 * a mean of log losses it weighs a seed on the loss's own scale: a seed that stalls at a
 * high loss costs what it costs a user, and a lucky seed that ends far lower gains no
 * more than its few hundredths (near the stability edge, where some seeds stall and
 * others end very low, the log mean favoured the gamble).
 */
export function pairedScore(p: PointResult): number {
  // A NaN seed (a run that never produced a finite loss) counts as +∞, as `aggregatePoint` counts it.
  return p.runs.reduce((sum, r) => sum + (Number.isNaN(r.finalLoss) ? Infinity : r.finalLoss), 0) / p.runs.length;
}

/** The point with the lowest paired score (the first on ties); `points` is non-empty and stable in every seed. */
export const lowest = (points: readonly PointResult[]): PointResult => points.reduce((a, b) => (pairedScore(b) < pairedScore(a) ? b : a));
