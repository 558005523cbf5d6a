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

/** A fraction as a whole percentage. */
export function pct(x: number): string {
  return `${(x * 100).toFixed(0)}%`;
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
    : `ended within ${pct(tolerance)} of the best in every seed (mean final loss over seeds ${mean(left)} against ${mean(best)}) and clips fewer steps (${pct(left.clipRate)})`;
  return ` max_norm ${num(left.threshold)} ${claim} but is not recommended: in every seed its loss fell more slowly than at max_norm ${num(faster.threshold)} (mean loss over the run, seed by seed: ${seedBySeed(left, faster)}), the mark of steps too large, whose low final loss rests on a late recovery that a fresh seed may not make.`;
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
  return `${where}, which clips every step: a smaller step may do better still; try a lower lr, or thresholds below ${num(smallest)} (--range ${num(smallest / 10)}:${num(smallest)}).`;
}

/**
 * The reason of a `clip` outcome: why this threshold, its clip rate, and what the baseline
 * did. `narrowed`: step 3 left some safe threshold out as overshooting, so "the
 * thresholds" and "no threshold" speak of those that do not overshoot.
 */
export function clipReason(chosen: PointResult, best: PointResult, within: readonly PointResult[], tolerance: number, points: readonly PointResult[], narrowed = false): string {
  const baseline = points.find((p) => p.strategy === 'none');
  const among = `the thresholds stable in all ${chosen.seeds} seeds${narrowed ? ' that do not overshoot' : ''}`;
  const largest = `the largest threshold stable in all ${chosen.seeds} seeds${narrowed ? ' that does not overshoot,' : ''}`;
  const versus = `within ${pct(tolerance)} of the best (mean final loss over seeds ${mean(best)}${pointLabel(best)}) in every seed`;
  const saturated = chosen === best && within.length > 1 && within.every((p) => p.clipRate >= SATURATED_CLIP_RATE);
  const why = saturated
    ? `max_norm ${num(chosen.threshold)} has the lowest mean final loss over seeds (${mean(chosen)}) of ${among}; every threshold as good clips ${pct(SATURATED_CLIP_RATE)} or more of steps, where a larger threshold is only a larger step (lr × max_norm), not less intervention.`
    : chosen === best
      ? `max_norm ${num(chosen.threshold)} has the lowest mean final loss over seeds (${mean(chosen)}) of ${among}, and no${narrowed ? ' such' : ''} threshold with fewer clipped steps is within ${pct(tolerance)} of it in every seed`
      : `max_norm ${num(chosen.threshold)} is ${largest} with a mean final loss over seeds of ${mean(chosen)}, ${versus}`;
  const first = saturated ? `${why} It clips ${pct(chosen.clipRate)} of steps.` : `${why}; it clips ${pct(chosen.clipRate)} of steps.`;
  if (!baseline) return first;
  const failed = baseline.seeds - baseline.stableSeeds;
  const second = failed > 0
    ? ` Unclipped, ${failed}/${baseline.seeds} seeds failed${baseline.firstBadStep !== null ? ` (first bad step ${baseline.firstBadStep})` : ''}.`
    : ` Unclipped training was stable too (${baseline.seeds}/${baseline.seeds} seeds), so clipping is not needed for stability; it is recommended because the unclipped mean final loss over seeds ${mean(baseline)} is ${pct(pairedScore(baseline) / pairedScore(chosen) - 1)} worse, beyond the band.`;
  return first + second;
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
