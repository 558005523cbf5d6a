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
 * 3. A safe threshold *overshoots* when a smaller safe threshold made the loss fall faster
 *    (lower mean loss over the run, `lossAuc`) in every seed: its steps are too large, and
 *    a low final loss there is a late recovery a fresh seed may not make (`overshotBy`).
 *    The *candidates* are the safe region without them.
 * 4. best = the candidate with the lowest paired score (mean over seeds of the final
 *    loss, the expected loss of a fresh run: between two points, the mean per-seed
 *    difference). A point is *as good* as best when, seed by seed, its final loss is at
 *    most `tolerance` (relative) above best's final loss with the same seed. Seeds are
 *    paired (a seed fixes the initial weights and the batches of every point), so these
 *    differences carry far less noise than the spread across seeds, which used to set the
 *    band and let the choice drift up.
 * 5. Among candidates as good as best, the least intervention wins: the baseline (status
 *    `not_needed`), else the largest threshold that still leaves some steps alone (clip
 *    rate below SATURATED_CLIP_RATE). When every such point clips (nearly) every step,
 *    clipping is normalised-gradient descent with step lr × max_norm: a larger threshold
 *    is a larger step, not less intervention, so best itself is chosen (and when that is
 *    the smallest threshold tried, `suggestions` says the loss may fall further below it).
 *    A baseline stable in every seed always gives `not_needed`: clipping is a stability
 *    tool, and a threshold that only lowers the loss is reported in the reason as a tuning
 *    option, not recommended as a fix for a problem the run does not have.
 * 6. No stable fixed point: status `none_stable`, maxNorm null, exit 1, with suggestions.
 * 7. An adaptive row that is stable and beats the chosen point by more than the band is
 *    reported in `adaptive` and in the reason; maxNorm stays the fixed recommendation.
 *
 * With an lr axis, each column gets its own recommendation (`perLr`), and the overall
 * pair is always one of them: the least intervention (unclipped, then the lower clip rate,
 * then the lower paired score) among the columns' answers that are as good (paired, per
 * seed) as the answer with the lowest paired score. A column whose baseline is stable
 * answers "unclipped" (step 5), so no threshold is recommended at that lr overall. When
 * a lower lr without clipping is as good as a clipped cell at a higher lr, `lrCut` says
 * so: the clipping there acts as an lr cut.
 */
import type { PointResult } from './metrics.js';
import type { ColumnRecommendation, Recommendation } from './recommendation.js';
import { candidates, isStable, lowest, overshotBy, pairedAsGood, pairedScore, safeRegion, SATURATED_CLIP_RATE } from './recommend-region.js';
import { allSeeds, clipReason, edgeSuggestion, everySeed, mean, noneStable, num, overshootNote, pct, pointLabel, seedCount, type LeftOut } from './recommend-text.js';

export type { ColumnRecommendation, Recommendation } from './recommendation.js';
export { isStable, pairedAsGood, pairedScore, safeRegion, overshotBy, candidates, SATURATED_CLIP_RATE } from './recommend-region.js';

/** Step 5's least intervention among `within` (best's paired equals, best included). */
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
  // The overall answer is one of the columns' answers (a column whose baseline is stable
  // answers "unclipped", whatever threshold ended lower there): the least intervention among
  // those as good, seed by seed, as the answer with the lowest paired score.
  const choices = perLr.flatMap((c) => points.filter((p) => p.id === c.pointId));
  if (choices.length === 0) return { ...noneStable(points), perLr, lr: null, lrCut: null };
  const best = lowest(choices);
  const within = choices.filter((p) => pairedAsGood(p, best, tolerance));
  const chosen = [...within].sort(lessIntervention)[0]!;
  const lrCut = findLrCut(chosen, points, perLr, tolerance);
  const band = tolerance * Math.abs(best.finalLoss);
  const cell = (p: PointResult): string => (p.strategy === 'none' ? `unclipped training at lr ${num(p.lr)}` : `max_norm ${num(p.threshold)} at lr ${num(p.lr)}`);
  const what = cell(chosen);
  const versus = chosen === best ? 'the lowest of the per-lr recommendations' : `within ${pct(tolerance)} ${everySeed(chosen.seeds)} of the lowest per-lr recommendation, ${cell(best)} (${mean(best)})`;
  const cut = lrCut ? ` Clipping is acting as an lr cut: unclipped training at lr ${num(lrCut.unclippedLr)} does at least as well as max_norm ${num(lrCut.maxNorm)} at lr ${num(lrCut.clippedLr)}.` : '';
  const clips = chosen.strategy === 'none' ? '.' : `; it clips ${pct(chosen.clipRate)} of steps.`;
  const reason = `Overall: ${what}, mean final loss over seeds ${mean(chosen)}, stable in ${allSeeds(chosen.seeds)}, ${versus}${clips}${cut}`;
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

/** Across columns, less intervention first: unclipped, then the lower clip rate, then the lower paired score. */
function lessIntervention(a: PointResult, b: PointResult): number {
  return Number(a.strategy !== 'none') - Number(b.strategy !== 'none') || a.clipRate - b.clipRate || pairedScore(a) - pairedScore(b);
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
  const eligible = candidates(points);
  const best = lowest(eligible);
  const band = tolerance * Math.abs(best.finalLoss);
  const within = eligible.filter((p) => pairedAsGood(p, best, tolerance));
  const chosen = leastIntervention(within, best);
  const adaptive = bestAdaptive(points, chosen.finalLoss - band);
  const base = {
    pointId: chosen.id,
    bestFinalLoss: best.finalLoss,
    band,
    adaptive: adaptive ? { strategy: adaptive.strategy, finalLoss: adaptive.finalLoss } : null,
    suggestions: [],
  };
  // Step 7 compares with the chosen point only (best may be lower by up to the tolerance): say so, not "every threshold".
  const versus = chosen.strategy === 'none' ? 'unclipped training' : `max_norm ${num(chosen.threshold)}`;
  // Step 7 ranks by the median final loss (the table's), so the note says so.
  const note = adaptive ? ` ${adaptive.strategy} reached a median final loss of ${num(adaptive.finalLoss)}, better than ${versus} (median ${num(chosen.finalLoss)}) by more than the band (${num(band)}).` : '';
  const baseline = points.find((p) => p.strategy === 'none');
  if (chosen.strategy !== 'none' && baseline && isStable(baseline)) {
    // The threshold steps 4-5 chose is a tuning option only when it ended lower (the baseline may be outside the safe region).
    const option = pairedScore(chosen) < pairedScore(baseline) ? ` As a tuning option, max_norm ${num(chosen.threshold)} reached ${mean(chosen)} (${pct(1 - pairedScore(chosen) / pairedScore(baseline))} lower), clipping ${pct(chosen.clipRate)} of steps.` : '';
    const reason = `Unclipped training was stable in ${seedCount(baseline.stableSeeds, baseline.seeds)} (mean final loss over seeds ${mean(baseline)}); clipping is not needed.${option}`;
    return { status: 'not_needed', maxNorm: null, reason: reason + note, ...base, pointId: baseline.id };
  }
  if (chosen.strategy === 'none') {
    const versusBest = chosen === best ? `the lowest of the points stable in ${allSeeds(chosen.seeds)}${eligible.length < region.length ? ' that do not overshoot' : ''}` : `within ${pct(tolerance)} ${everySeed(chosen.seeds)} of the best (${mean(best)}${pointLabel(best)})`;
    const reason = `Unclipped training was stable in ${seedCount(chosen.stableSeeds, chosen.seeds)} with a mean final loss over seeds of ${mean(chosen)}, ${versusBest}; clipping is not needed.`;
    return { status: 'not_needed', maxNorm: null, reason: reason + note, ...base };
  }
  const edge = edgeSuggestion(chosen, points, lowest(region) === chosen);
  const why = clipReason(chosen, best, within, tolerance, points, eligible.length < region.length) + overshootNote(leftOut(region, eligible, chosen, tolerance), chosen, best, tolerance) + note;
  return { status: 'clip', maxNorm: chosen.threshold, reason: why + (edge ? ` ${edge}` : ''), ...base, suggestions: edge ? [edge] : [] };
}

/**
 * What step 3 kept a column's rule from choosing: the overshooting threshold with the
 * lowest paired score below the choice's, else the threshold steps 4 and 5 would have
 * chosen without step 3 (as good as best, fewer clipped steps) when step 3 left it out;
 * null when step 3 changed nothing.
 */
function leftOut(region: readonly PointResult[], eligible: readonly PointResult[], chosen: PointResult, tolerance: number): LeftOut | null {
  const out = region.filter((p) => !eligible.includes(p));
  const lower = out.filter((p) => pairedScore(p) < pairedScore(chosen)).reduce<PointResult | null>((a, b) => (a === null || pairedScore(b) < pairedScore(a) ? b : a), null);
  const unfilteredBest = lowest(region);
  const unfiltered = leastIntervention(region.filter((p) => pairedAsGood(p, unfilteredBest, tolerance)), unfilteredBest);
  const left = lower ?? (out.includes(unfiltered) ? unfiltered : null);
  const faster = left && overshotBy(left, region);
  return left && faster ? { left, faster, why: lower ? 'lower' : 'as-good' } : null;
}

/** The stable adaptive row with the lowest median final loss below `below`, or null (step 7). */
function bestAdaptive(points: readonly PointResult[], below: number): PointResult | null {
  const better = points.filter((p) => p.strategy !== 'none' && p.strategy !== 'norm' && isStable(p) && p.finalLoss < below);
  return better.reduce<PointResult | null>((a, b) => (a === null || b.finalLoss < a.finalLoss ? b : a), null);
}
