/**
 * `--prune` (pure): which tasks can be skipped because the recommendation rule can never
 * choose their cell, whatever the results still to come.
 *
 * At one lr, the safe region (recommend.ts step 2) starts at the smallest stable threshold
 * and ends before the first threshold that failed in any seed. Once a threshold `f` has
 * one failed seed and some threshold below `f` is known stable in every seed, the region
 * ends at or below `f`: no fixed threshold above `f` can be recommended, and no result of
 * theirs enters the rule's numbers (the overshoot clause of step 3 compares a threshold
 * only with smaller ones of the region). Their remaining seeds are skipped (`pruned`). The
 * baseline and adaptive rows are never pruned: a baseline stable in every seed decides
 * `not_needed`, and the reason quotes both.
 */
import type { SweepPoint } from './grid.js';
import type { SeedResult } from './metrics.js';

/** A seed result that counts against stability (anything but a full, ok run). */
const failed = (r: SeedResult): boolean => !r.stable && r.status !== 'pruned';

/**
 * Can the tasks of `point` be skipped, given the `known` results so far (by point id)?
 * `points` is the plan's point list; `seeds` the number of seeds per point.
 */
export function isPrunable(point: SweepPoint, points: readonly SweepPoint[], known: ReadonlyMap<string, readonly SeedResult[]>, seeds: number): boolean {
  if (point.strategy !== 'norm' || point.threshold === null) return false;
  const below = points
    .filter((p) => p.strategy === 'norm' && p.threshold !== null && (p.lr ?? null) === (point.lr ?? null) && p.threshold < point.threshold!)
    .sort((a, b) => a.threshold! - b.threshold!);
  const stableKnown = (p: SweepPoint) => {
    const rs = known.get(p.id) ?? [];
    return rs.length === seeds && rs.every((r) => r.stable);
  };
  return below.some((f, i) => (known.get(f.id) ?? []).some(failed) && below.slice(0, i).some(stableKnown));
}
