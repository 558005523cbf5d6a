/**
 * The recommendation rule (pure, deterministic; documented in docs/sweep.md). It reads
 * only the measured point table, never the config, so it behaves the same on models and
 * data nobody tuned it for. Per learning-rate column:
 *
 * 1. A point is *stable* when every seed finished all its steps with status ok (no
 *    non-finite value, no divergence, no crash, no timeout).
 * 2. The *safe region* is the run of stable thresholds that starts at the smallest stable
 *    threshold and goes up until the first threshold that failed in any seed; the
 *    unclipped baseline (threshold ∞) joins it when it is stable and no threshold failed
 *    above the region's start. A stable threshold above a failed one is luck, not
 *    evidence, so it is never recommended.
 * 3. best = the point of the safe region with the lowest paired score (mean over seeds of
 *    log final loss: between two points, the mean per-seed log ratio). A point is *as good* as best
 *    when, seed by seed, its final loss is at most `tolerance` (relative) above best's
 *    final loss with the same seed. Seeds are paired (a seed fixes the initial weights and
 *    the batches of every point), so these differences carry far less noise than the
 *    spread across seeds, which used to set the band and let the choice drift up.
 * 4. Among safe points as good as best, the least intervention wins: the baseline (status
 *    `not_needed`), else the largest threshold that still leaves some steps alone (clip
 *    rate below SATURATED_CLIP_RATE). When every such point clips (nearly) every step,
 *    clipping is normalised-gradient descent with step lr × max_norm: a larger threshold
 *    is a larger step, not less intervention, so best itself is chosen (and when that is
 *    the smallest threshold tried, `suggestions` says the loss may fall further below it).
 *    A baseline stable in every seed always gives `not_needed`: clipping is a stability
 *    tool, and a threshold that only lowers the loss is reported in the reason as a tuning
 *    option, not recommended as a fix for a problem the run does not have.
 * 5. No stable fixed point: status `none_stable`, maxNorm null, exit 1, with suggestions.
 * 6. An adaptive row that is stable and beats the chosen point by more than the band is
 *    reported in `adaptive` and in the reason; maxNorm stays the fixed recommendation.
 *
 * With an lr axis, each column gets its own recommendation (`perLr`), and the overall
 * pair is the least intervention among the columns' choices that are as good (paired, per
 * seed) as the lowest final loss of any column's safe region, else that lowest cell. When
 * a lower lr without clipping is as good as a clipped cell at a higher lr, `lrCut` says
 * so: the clipping there acts as an lr cut.
 */
import type { PointResult } from './metrics.js';
import type { ColumnRecommendation, Recommendation } from './recommendation.js';
import { formatNumber } from '../format.js';

/** Numbers in the reason, which is data (it goes into sweep.json): 3 significant digits. */
const num = (x: number | null): string => formatNumber(x, { digits: 3 });

export type { ColumnRecommendation, Recommendation } from './recommendation.js';

/** A clip rate at or above this is "clips every step": a larger threshold is then a larger step, not less intervention. */
export const SATURATED_CLIP_RATE = 0.95;

/** Is every seed of the point stable? */
export function isStable(p: PointResult): boolean {
  return p.seeds > 0 && p.stableSeeds === p.seeds;
}

/** The safe region of step 2: fixed thresholds ascending, plus the baseline when it qualifies. */
export function safeRegion(points: readonly PointResult[]): PointResult[] {
  const fixed = points.filter((p) => p.strategy === 'norm' && p.threshold !== null).sort((a, b) => a.threshold! - b.threshold!);
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
 * A point's paired score: the mean over its seeds of log(final loss). Every point of a
 * sweep has the same seeds, so comparing two scores is the mean per-seed log ratio of
 * their losses (a paired comparison in which each seed's own level cancels), and unlike
 * the median of 3 it lets every seed count, a seed that trained badly included.
 */
export function pairedScore(p: PointResult): number {
  return p.runs.reduce((sum, r) => sum + Math.log(Math.max(r.finalLoss, Number.MIN_VALUE)), 0) / p.runs.length;
}

/** The point with the lowest paired score (the first on ties); `points` is non-empty and stable in every seed. */
const lowest = (points: readonly PointResult[]): PointResult => points.reduce((a, b) => (pairedScore(b) < pairedScore(a) ? b : a));

/** Step 4's least intervention among `within` (best's paired equals, best included). */
function leastIntervention(within: readonly PointResult[], best: PointResult): PointResult {
  const baseline = within.find((p) => p.strategy === 'none');
  if (baseline) return baseline;
  const unsaturated = within.filter((p) => p.clipRate < SATURATED_CLIP_RATE);
  return unsaturated.length ? unsaturated.reduce((a, b) => (b.threshold! > a.threshold! ? b : a)) : best;
}

/** Applies the rule to the point table (every lr column). `tolerance` is relative (0.05 = 5%). */
export function recommend(points: readonly PointResult[], tolerance: number): Recommendation {
  const lrs = [...new Set(points.map((p) => p.lr).filter((lr): lr is number => lr !== null))].sort((a, b) => a - b);
  if (lrs.length === 0) return { ...recommendColumn(points, tolerance), lr: null, perLr: [], lrCut: null };
  const columns = lrs.map((lr) => ({ lr, points: points.filter((p) => p.lr === lr) }));
  const perLr = columns.map(({ lr, points: column }) => {
    const r = recommendColumn(column, tolerance);
    const chosen = column.find((p) => p.id === r.pointId);
    return { lr, status: r.status, maxNorm: r.maxNorm, pointId: r.pointId, finalLoss: chosen?.finalLoss ?? null, reason: r.reason };
  });
  const cells = columns.flatMap((c) => safeRegion(c.points));
  if (cells.length === 0) return { ...noneStable(points), perLr, lr: null, lrCut: null };
  const best = lowest(cells);
  const choices = perLr.flatMap((c) => points.filter((p) => p.id === c.pointId));
  const within = choices.filter((p) => pairedAsGood(p, best, tolerance));
  const chosen = within.length ? [...within].sort(lessIntervention)[0]! : best;
  const lrCut = findLrCut(chosen, points, perLr, tolerance);
  const band = tolerance * Math.abs(best.finalLoss);
  const what = chosen.strategy === 'none' ? `unclipped training at lr ${num(chosen.lr)}` : `max_norm ${num(chosen.threshold)} at lr ${num(chosen.lr)}`;
  const versus = chosen === best ? 'the lowest final loss of any stable cell' : `within ${pct(tolerance)} in every seed of the lowest (${num(best.finalLoss)} at lr ${num(best.lr)}${pointLabel(best)})`;
  const cut = lrCut ? ` Clipping is acting as an lr cut: unclipped training at lr ${num(lrCut.unclippedLr)} does at least as well as max_norm ${num(lrCut.maxNorm)} at lr ${num(lrCut.clippedLr)}.` : '';
  const reason = `Overall: ${what}, final loss ${num(chosen.finalLoss)}, stable in all ${chosen.seeds} seeds, ${versus}; it clips ${pct(chosen.clipRate)} of steps.${cut}`;
  return {
    status: chosen.strategy === 'none' ? 'not_needed' : 'clip',
    maxNorm: chosen.strategy === 'none' ? null : chosen.threshold,
    reason,
    pointId: chosen.id,
    bestFinalLoss: best.finalLoss,
    band,
    adaptive: null,
    suggestions: [],
    lr: chosen.lr,
    perLr,
    lrCut,
  };
}

/** Across columns, less intervention first: unclipped, then the lower clip rate, then the lower final loss. */
function lessIntervention(a: PointResult, b: PointResult): number {
  return Number(a.strategy !== 'none') - Number(b.strategy !== 'none') || a.clipRate - b.clipRate || a.finalLoss - b.finalLoss;
}

/**
 * The first clipped column choice (the overall choice first) that the stable unclipped
 * baseline of a lower lr matches: as good per seed, within the tolerance.
 */
function findLrCut(chosen: PointResult, points: readonly PointResult[], perLr: readonly ColumnRecommendation[], tolerance: number): Recommendation['lrCut'] {
  const clipped = perLr.filter((c) => c.status === 'clip').map((c) => points.find((p) => p.id === c.pointId)!);
  const baselines = points.filter((p) => p.strategy === 'none' && isStable(p));
  for (const c of [...clipped].sort((x, y) => Number(y === chosen) - Number(x === chosen))) {
    const b = baselines.find((x) => x.lr! < c.lr! && pairedAsGood(x, c, tolerance));
    if (b) return { clippedLr: c.lr!, maxNorm: c.threshold!, unclippedLr: b.lr! };
  }
  return null;
}

/** The rule in one column (all points share one lr). */
function recommendColumn(points: readonly PointResult[], tolerance: number): Omit<Recommendation, 'lr' | 'perLr' | 'lrCut'> {
  const region = safeRegion(points);
  if (region.length === 0) return noneStable(points);
  const best = lowest(region);
  const band = tolerance * Math.abs(best.finalLoss);
  const within = region.filter((p) => pairedAsGood(p, best, tolerance));
  const chosen = leastIntervention(within, best);
  const adaptive = bestAdaptive(points, chosen.finalLoss - band);
  const base = {
    pointId: chosen.id,
    bestFinalLoss: best.finalLoss,
    band,
    adaptive: adaptive ? { strategy: adaptive.strategy, finalLoss: adaptive.finalLoss } : null,
    suggestions: [],
  };
  const note = adaptive ? ` ${adaptive.strategy} reached ${num(adaptive.finalLoss)}, better than every eligible fixed threshold by more than the tolerance.` : '';
  const baseline = points.find((p) => p.strategy === 'none');
  if (chosen.strategy !== 'none' && baseline && isStable(baseline)) {
    const reason = `Unclipped training was stable in ${baseline.stableSeeds}/${baseline.seeds} seeds (final loss ${num(baseline.finalLoss)}); clipping is not needed. As a tuning option, max_norm ${num(chosen.threshold)} reached ${num(chosen.finalLoss)} (${pct(1 - chosen.finalLoss / baseline.finalLoss)} lower), clipping ${pct(chosen.clipRate)} of steps.`;
    return { status: 'not_needed', maxNorm: null, reason: reason + note, ...base, pointId: baseline.id };
  }
  if (chosen.strategy === 'none') {
    const reason = `Unclipped training was stable in ${chosen.stableSeeds}/${chosen.seeds} seeds with final loss ${num(chosen.finalLoss)}, within ${pct(tolerance)} in every seed of the best (${num(best.finalLoss)}${pointLabel(best)}); clipping is not needed.`;
    return { status: 'not_needed', maxNorm: null, reason: reason + note, ...base };
  }
  const edge = edgeSuggestion(chosen, points);
  return { status: 'clip', maxNorm: chosen.threshold, reason: clipReason(chosen, best, within, tolerance, points) + note + (edge ? ` ${edge}` : ''), ...base, suggestions: edge ? [edge] : [] };
}

/**
 * When the choice is the smallest threshold tried and clips (nearly) every step, the loss
 * may still fall below the grid: every step has length lr × max_norm, and a shorter one
 * did better at every threshold tried. Says so, with the flags to look; else null.
 */
function edgeSuggestion(chosen: PointResult, points: readonly PointResult[]): string | null {
  const smallest = Math.min(...points.filter((p) => p.strategy === 'norm' && p.threshold !== null).map((p) => p.threshold!));
  if (chosen.threshold !== smallest || chosen.clipRate < SATURATED_CLIP_RATE) return null;
  return `The lowest final loss is at the smallest threshold tried, which clips every step: a smaller step may do better still; try a lower lr, or thresholds below ${num(smallest)} (--range ${num(smallest / 10)}:${num(smallest)}).`;
}

function pointLabel(p: PointResult): string {
  return p.strategy === 'none' ? ', unclipped' : p.threshold !== null ? ` at max_norm ${num(p.threshold)}` : ` with ${p.strategy}`;
}

function clipReason(chosen: PointResult, best: PointResult, within: readonly PointResult[], tolerance: number, points: readonly PointResult[]): string {
  const baseline = points.find((p) => p.strategy === 'none');
  const versus = `within ${pct(tolerance)} of the best (${num(best.finalLoss)}${pointLabel(best)}) in every seed`;
  const saturated = chosen === best && within.length > 1 && within.every((p) => p.clipRate >= SATURATED_CLIP_RATE);
  const why = saturated
    ? `max_norm ${num(chosen.threshold)} has the lowest final loss (${num(chosen.finalLoss)}) of the thresholds stable in all ${chosen.seeds} seeds; every threshold as good clips ${pct(SATURATED_CLIP_RATE)} or more of steps, where a larger threshold is only a larger step (lr × max_norm), not less intervention.`
    : chosen === best
      ? `max_norm ${num(chosen.threshold)} has the lowest final loss (${num(chosen.finalLoss)}, paired over seeds) of the thresholds stable in all ${chosen.seeds} seeds, and no threshold with fewer clipped steps is within ${pct(tolerance)} of it in every seed`
      : `max_norm ${num(chosen.threshold)} is the largest threshold stable in all ${chosen.seeds} seeds with a final loss of ${num(chosen.finalLoss)}, ${versus}`;
  const first = saturated ? `${why} It clips ${pct(chosen.clipRate)} of steps.` : `${why}; it clips ${pct(chosen.clipRate)} of steps.`;
  if (!baseline) return first;
  const failed = baseline.seeds - baseline.stableSeeds;
  const second = failed > 0
    ? ` Unclipped, ${failed}/${baseline.seeds} seeds failed${baseline.firstBadStep !== null ? ` (first bad step ${baseline.firstBadStep})` : ''}.`
    : ` Unclipped training was stable too (${baseline.seeds}/${baseline.seeds} seeds), so clipping is not needed for stability; it is recommended because the unclipped final loss ${num(baseline.finalLoss)} is ${pct(baseline.finalLoss / chosen.finalLoss - 1)} worse, beyond the band.`;
  return first + second;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(0)}%`;
}

function bestAdaptive(points: readonly PointResult[], below: number): PointResult | null {
  const better = points.filter((p) => p.strategy !== 'none' && p.strategy !== 'norm' && isStable(p) && p.finalLoss < below);
  return better.reduce<PointResult | null>((a, b) => (a === null || b.finalLoss < a.finalLoss ? b : a), null);
}

function noneStable(points: readonly PointResult[]): Recommendation {
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
