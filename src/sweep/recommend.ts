/**
 * The recommendation rule (pure, deterministic; documented in docs/sweep.md). It reads
 * only the measured point table, never the config, so it behaves the same on models and
 * data nobody tuned it for.
 *
 * 1. A point is *stable* when every seed finished all its steps with status ok (no
 *    non-finite value, no divergence, no crash).
 * 2. The *safe region* is the run of stable thresholds that starts at the smallest stable
 *    threshold and goes up until the first threshold that failed in any seed; the
 *    unclipped baseline (threshold ∞) joins it when it is stable and no threshold failed
 *    above the region's start. A stable threshold above a failed one is luck, not
 *    evidence, so it is never recommended.
 * 3. best = the lowest median final loss in the safe region. The band is
 *    max(tolerance × |best|, seed spread of the best point), where the spread is half the
 *    range of its seeds' final losses: a difference smaller than seed noise is no evidence.
 * 4. Among safe points with final loss ≤ best + band, the least intervention wins: the
 *    baseline (status `not_needed`, maxNorm null), else the largest threshold (`clip`).
 *    A baseline stable in every seed always gives `not_needed`: clipping is a stability
 *    tool, and a threshold that only lowers the loss is reported in the reason as a tuning
 *    option, not recommended as a fix for a problem the run does not have.
 * 5. No stable fixed point: status `none_stable`, maxNorm null, exit 1, with suggestions.
 * 6. An adaptive row that is stable and beats the chosen point by more than the band is
 *    reported in `adaptive` and in the reason; maxNorm stays the fixed recommendation.
 */
import type { NormStats, PointResult } from './metrics.js';
import { formatNumber } from '../format.js';
import { median } from '../stats.js';

/** Numbers in the reason, which is data (it goes into sweep.json): 3 significant digits. */
const num = (x: number | null): string => formatNumber(x, { digits: 3 });

/** What the rule concluded. */
export interface Recommendation {
  /** `clip`: use maxNorm; `not_needed`: the unclipped baseline is stable and as good; `none_stable`: nothing was stable. */
  readonly status: 'clip' | 'not_needed' | 'none_stable';
  /** The threshold to use, or null (not needed, or none stable). */
  readonly maxNorm: number | null;
  /** One or two sentences with the numbers behind the choice. */
  readonly reason: string;
  /** Id of the chosen point (`norm@1`, `baseline`), or null. */
  readonly pointId: string | null;
  /** The best final loss in the safe region and the tolerance band around it. */
  readonly bestFinalLoss: number | null;
  readonly band: number | null;
  /** An adaptive strategy that beat every eligible fixed point by more than the band. */
  readonly adaptive: { readonly strategy: string; readonly finalLoss: number } | null;
  /** What to try next (non-empty when status is `none_stable`). */
  readonly suggestions: readonly string[];
}

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

/** Applies the rule to the point table. `tolerance` is relative (0.05 = 5%). */
export function recommend(points: readonly PointResult[], tolerance: number): Recommendation {
  const region = safeRegion(points);
  if (region.length === 0) return noneStable(points);
  const best = region.reduce((a, b) => (b.finalLoss < a.finalLoss ? b : a));
  const band = Math.max(tolerance * Math.abs(best.finalLoss), Number.isFinite(best.finalLossSpread) ? best.finalLossSpread : 0);
  const within = region.filter((p) => p.finalLoss <= best.finalLoss + band);
  const chosen = within.find((p) => p.strategy === 'none') ?? within[within.length - 1]!;
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
    const reason = `Unclipped training was stable in ${chosen.stableSeeds}/${chosen.seeds} seeds with final loss ${num(chosen.finalLoss)}, within ${num(band)} of the best (${num(best.finalLoss)}${pointLabel(best)}); clipping is not needed.`;
    return { status: 'not_needed', maxNorm: null, reason: reason + note, ...base };
  }
  return { status: 'clip', maxNorm: chosen.threshold, reason: clipReason(chosen, best, band, points) + note, ...base };
}

function pointLabel(p: PointResult): string {
  return p.strategy === 'none' ? ', unclipped' : p.threshold !== null ? ` at max_norm ${num(p.threshold)}` : ` with ${p.strategy}`;
}

function clipReason(chosen: PointResult, best: PointResult, band: number, points: readonly PointResult[]): string {
  const baseline = points.find((p) => p.strategy === 'none');
  const versus = chosen === best ? 'the best final loss' : `within ${num(band)} of the best (${num(best.finalLoss)}${pointLabel(best)})`;
  const first = `max_norm ${num(chosen.threshold)} is the largest threshold stable in all ${chosen.seeds} seeds with a final loss of ${num(chosen.finalLoss)}, ${versus}; it clips ${pct(chosen.clipRate)} of steps.`;
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
      ? `Use an adaptive strategy: ${adaptive.map((p) => p.strategy).join(', ')} was stable in every seed.`
      : 'Try an adaptive strategy: --strategies autoclip,zclip,agc.',
  ];
  if (smallest !== null) suggestions.push(`Try thresholds below ${num(smallest)} (--range ${num(smallest / 100)}:${num(smallest)}).`);
  const tried = fixed.length ? `${fixed.length} thresholds from ${num(smallest)} to ${num(Math.max(...fixed.map((p) => p.threshold!)))}` : 'no fixed threshold';
  const reason = `No fixed threshold was stable in every seed (${tried}, and the unclipped baseline), so no max_norm can be recommended; try a lower learning rate or an adaptive strategy.`;
  return { status: 'none_stable', maxNorm: null, reason, pointId: null, bestFinalLoss: null, band: null, adaptive: adaptive[0] ? { strategy: adaptive[0].strategy, finalLoss: adaptive[0].finalLoss } : null, suggestions };
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
