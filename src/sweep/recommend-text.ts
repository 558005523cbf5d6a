/**
 * The words of the recommendation rule (recommend.ts): the reason sentences, which are data
 * (they go into sweep.json), and the `none_stable` outcome with its suggestions.
 */
import type { PointResult } from './metrics.js';
import type { Recommendation } from './recommendation.js';
import { isStable, pairedScore, SATURATED_CLIP_RATE } from './recommend-region.js';
import { formatNumber } from '../format.js';

/** Numbers in the reason: 3 significant digits. */
export const num = (x: number | null): string => formatNumber(x, { digits: 3 });

/** A point's paired score (mean final loss over its seeds), as the reason quotes it: the number the rule ranks by. */
export const mean = (p: PointResult): string => num(pairedScore(p));

/** "the one seed", "both seeds", "all 3 seeds": after "stable in". */
export const allSeeds = (n: number): string => (n === 1 ? 'the one seed' : n === 2 ? 'both seeds' : `all ${n} seeds`);

/** "in every seed", or "in the one seed" when there is one. */
export const everySeed = (n: number): string => (n === 1 ? 'in the one seed' : 'in every seed');

/** "2/3 seeds", "1/1 seed". */
export const seedCount = (k: number, n: number): string => `${k}/${n} seed${n === 1 ? '' : 's'}`;

/** A fraction as a whole percentage; a rate just short of all (or just above none) is not rounded to "100%" ("0%"). */
export function pct(x: number): string {
  const whole = (x * 100).toFixed(0);
  return whole === '100' && x < 1 ? '>99%' : whole === '0' && x > 0 ? '<1%' : `${whole}%`;
}

/** " at max_norm 0.5", ", unclipped" or " with zclip": what a point is, after a number. */
export function pointLabel(p: PointResult): string {
  return p.strategy === 'none' ? ', unclipped' : p.threshold !== null ? ` at max_norm ${num(p.threshold)}` : ` with ${p.strategy}`;
}

/**
 * What step 3 (overshoot) changed, for the reason: the threshold it kept the rule from
 * choosing (`left`: one that ended lower than the choice, or one as good as best with
 * fewer clipped steps, which step 5 would have chosen) and the smaller `faster` one it
 * lost to. `null` when step 3 changed nothing.
 */
export interface LeftOut {
  readonly left: PointResult;
  readonly faster: PointResult;
  /** `lower`: its mean final loss is below the choice's; `as-good`: within the tolerance of best in every seed, with fewer clipped steps. */
  readonly why: 'lower' | 'as-good';
}

/** Says why a threshold was left out by the overshoot clause (`LeftOut`) instead of `chosen`, or '' when none was. */
export function overshootNote(out: LeftOut | null, chosen: PointResult, best: PointResult, tolerance: number): string {
  if (out === null) return '';
  const { left, faster } = out;
  // Both compare the paired scores (mean final loss over seeds), which can disagree with the medians the table shows.
  const claim = out.why === 'lower'
    ? `ended lower on average (mean final loss over seeds ${mean(left)} against ${mean(chosen)})`
    : `ended within ${pct(tolerance)} of the best ${everySeed(left.seeds)} (mean final loss over seeds ${mean(left)} against ${mean(best)}) and clips ${left.clipRate < chosen.clipRate ? `fewer steps (${pct(left.clipRate)} against ${pct(chosen.clipRate)})` : `under ${pct(SATURATED_CLIP_RATE)} of steps (${pct(left.clipRate)})`}`;
  return ` max_norm ${num(left.threshold)} ${claim} but is not recommended: ${everySeed(left.seeds)} its loss fell more slowly than at max_norm ${num(faster.threshold)} (mean loss over the run, seed by seed: ${seedBySeed(left, faster)}), the mark of steps too large, whose low final loss rests on a late recovery that a fresh seed may not make.`;
}

/** "0.391 against 0.38, 1.16 against 1.02": `a`'s loss AUC against `b`'s with the same seed, the comparison step 3 makes. */
function seedBySeed(a: PointResult, b: PointResult): string {
  const bySeed = new Map(b.runs.map((r) => [r.seed, r.lossAuc]));
  return a.runs.map((r) => `${num(r.lossAuc)} against ${num(bySeed.get(r.seed) ?? null)}`).join(', ');
}

/**
 * When the choice is the smallest threshold tried and clips (nearly) every step, the loss
 * may still fall below the grid: every step has length lr × max_norm, and a shorter one
 * did better at every threshold tried. Says so, with the flags to look; else null.
 * `lowestOfRegion`: the choice also has the lowest paired score of the whole safe region
 * (no threshold left out as overshooting ended lower).
 */
export function edgeSuggestion(chosen: PointResult, points: readonly PointResult[], lowestOfRegion: boolean): string | null {
  const smallest = Math.min(...points.filter((p) => p.strategy === 'norm' && p.threshold !== null).map((p) => p.threshold!));
  if (chosen.threshold !== smallest || chosen.clipRate < SATURATED_CLIP_RATE) return null;
  // A larger threshold left out as overshooting may have ended lower: then only the choice is at the edge.
  const where = lowestOfRegion ? 'The lowest mean final loss over seeds is at the smallest threshold tried' : 'The choice is the smallest threshold tried';
  return `${where}, which clips ${chosen.clipRate >= 1 ? 'every step' : `nearly every step (${pct(chosen.clipRate)})`}: a smaller step may do better still; try a lower lr, or thresholds below ${num(smallest)} (--range ${num(smallest / 10)}:${num(smallest)}).`;
}

/**
 * The reason of a `clip` outcome: why this threshold, its clip rate, and what the baseline
 * did. `narrowed`: step 3 left some safe threshold out as overshooting, so "the
 * thresholds" and "no threshold" speak of those that do not overshoot.
 */
export function clipReason(chosen: PointResult, best: PointResult, within: readonly PointResult[], tolerance: number, points: readonly PointResult[], narrowed = false): string {
  const baseline = points.find((p) => p.strategy === 'none');
  const among = `the thresholds stable in ${allSeeds(chosen.seeds)}${narrowed ? ' that do not overshoot' : ''}`;
  const asGood = `within ${pct(tolerance)} of it ${everySeed(chosen.seeds)}`;
  const saturated = chosen === best && within.length > 1 && within.every((p) => p.clipRate >= SATURATED_CLIP_RATE);
  // Step 5 takes the largest threshold as good as best that clips under SATURATED_CLIP_RATE: say that, not "fewer clipped steps".
  const why = saturated
    ? `max_norm ${num(chosen.threshold)} has the lowest mean final loss over seeds (${mean(chosen)}) of ${among}; every threshold ${asGood} clips ${pct(SATURATED_CLIP_RATE)} or more of steps, where a larger threshold is only a larger step (lr × max_norm), not less intervention.`
    : chosen === best
      ? `max_norm ${num(chosen.threshold)} has the lowest mean final loss over seeds (${mean(chosen)}) of ${among}, and ${within.length === 1 ? 'no other of them is' : `no larger one that clips under ${pct(SATURATED_CLIP_RATE)} of steps is`} ${asGood}`
      : `max_norm ${num(chosen.threshold)} is the largest of ${among} that clips under ${pct(SATURATED_CLIP_RATE)} of steps and ends within ${pct(tolerance)} of the best ${everySeed(chosen.seeds)}: mean final loss over seeds ${mean(chosen)}, against ${mean(best)}${pointLabel(best)}`;
  const first = saturated ? `${why} It clips ${pct(chosen.clipRate)} of steps.` : `${why}; it clips ${pct(chosen.clipRate)} of steps.`;
  // recommendColumn calls this only when the baseline failed in some seed (a stable one gives not_needed).
  if (!baseline || isStable(baseline)) return first;
  const failed = baseline.seeds - baseline.stableSeeds;
  return `${first} Unclipped, ${seedCount(failed, baseline.seeds)} failed${baseline.firstBadStep !== null ? ` (first bad step ${baseline.firstBadStep})` : ''}.`;
}

/** The `none_stable` outcome: nothing was stable in every seed; what to try instead. */
export function noneStable(points: readonly PointResult[]): Recommendation {
  const fixed = points.filter((p) => p.strategy === 'norm');
  const smallest = fixed.reduce<number | null>((m, p) => (m === null || p.threshold! < m ? p.threshold : m), null);
  const adaptive = points.filter((p) => p.strategy !== 'none' && p.strategy !== 'norm' && isStable(p));
  const suggestions = [
    'Lower the learning rate (try --lr at a third or a tenth of the current value) and sweep again.',
    adaptive.length
      ? `Use an adaptive strategy: ${[...new Set(adaptive.map((p) => p.strategy))].join(', ')} was stable in every seed.`
      : 'Try an adaptive strategy: --strategies autoclip,zclip,agc.',
  ];
  if (smallest !== null) suggestions.push(`Try thresholds below ${num(smallest)} (--range ${num(smallest / 100)}:${num(smallest)}).`);
  const tried = fixed.length ? `${new Set(fixed.map((p) => p.threshold)).size} thresholds from ${num(smallest)} to ${num(Math.max(...fixed.map((p) => p.threshold!)))}` : 'no fixed threshold';
  const reason = `No fixed threshold was stable in every seed (${tried}, and the unclipped baseline), so no max_norm can be recommended; try a lower learning rate or an adaptive strategy.`;
  return { status: 'none_stable', maxNorm: null, reason, pointId: null, bestFinalLoss: null, band: null, adaptive: adaptive[0] ? { strategy: adaptive[0].strategy, finalLoss: adaptive[0].finalLoss } : null, suggestions, lr: null, perLr: [], lrCut: null };
}
