/**
 * Scoring of the advice bench (pure: two sweep reports in, one row out). The default
 * sweep gives the advice a new user would get; the held-out sweep (other seeds, a denser
 * grid that contains every default threshold) says how that advice holds up.
 */
import { aggregatePoint, type PointResult } from '../sweep/metrics.js';
import { recommend } from '../sweep/recommend.js';
import type { SweepReport } from '../sweep/report.js';
import { mean } from '../stats.js';

/** An entry of bench/advice/set.json. */
export interface AdviceEntry {
  /** File name under bench/advice/. */
  readonly config: string;
  readonly family: string;
  /** What the config was built to do unclipped; checked against the held-out baseline. */
  readonly explodes: boolean;
}

/** How one candidate (the advice, or the folk max_norm 1.0) fared on the held-out sweep. */
export interface HeldOutScore {
  /** Point id in the held-out sweep (`baseline` for "clipping not needed"), or null. */
  readonly pointId: string | null;
  /** Stable in every held-out seed. */
  readonly stable: boolean;
  /**
   * Mean final loss over the held-out seeds, divided by the lowest such mean of any held-out
   * point stable in every seed (1 = the best); null when unstable or absent. The goal's measure.
   */
  readonly ratio: number | null;
  /** The same with the sweep's own point statistic, the median over seeds. */
  readonly ratioMedian: number | null;
  /** `ratio` against the whole held-out grid, thresholds outside the default grid's span included. */
  readonly ratioAll: number | null;
}

/** One config's line of the advice table. */
export interface AdviceRow {
  readonly config: string;
  readonly family: string;
  readonly explodes: boolean;
  /** The held-out unclipped runs failed in some seed (should equal `explodes`). */
  readonly heldOutBaselineFailed: boolean;
  /** The default sweep's advice: status and max_norm. */
  readonly status: SweepReport['recommendation']['status'];
  readonly maxNorm: number | null;
  /** The held-out point with the lowest mean final loss among those stable in every seed (`finalLoss` is that mean). */
  readonly heldOutBest: { readonly pointId: string; readonly finalLoss: number } | null;
  /** The same by the median over seeds. */
  readonly heldOutBestMedian: { readonly pointId: string; readonly finalLoss: number } | null;
  /** By the mean, over the whole held-out grid (a threshold outside the default span may win: the advice cannot name it). */
  readonly heldOutBestAll: { readonly pointId: string; readonly finalLoss: number } | null;
  readonly advice: HeldOutScore;
  readonly folk: HeldOutScore;
  /**
   * The rule re-read on every choice of as many held-out seeds as the default sweep has
   * (3 of 5: 10 tables, default thresholds only), each advice scored like `pass` against
   * the 5-seed held-out means: how often advice from other seeds would meet the goal.
   */
  readonly resampled: { readonly met: number; readonly of: number };
  /**
   * The goal: for an exploding config, the advice is stable on every held-out seed and
   * within 5% of the held-out best; for a stable one, the advice is `not_needed`.
   */
  readonly pass: boolean;
}

/** The goal's margin over the held-out best stable final loss. */
export const ADVICE_MARGIN = 0.05;

const stableEverywhere = (p: PointResult): boolean => p.seeds > 0 && p.stableSeeds === p.seeds;

/**
 * A point's held-out final loss: the mean over seeds (the expected loss of a fresh run),
 * or the median. The mean is the goal's measure: with 5 noisy seeds and 20 points, the
 * lowest of 20 medians is biased low by whichever point had lucky seeds (the winner's
 * curse), and the mean lets a seed that trained badly count against its threshold.
 */
type Statistic = (p: PointResult) => number;
const meanLoss: Statistic = (p) => mean(p.runs.map((r) => r.finalLoss)) ?? Number.NaN;
const medianLoss: Statistic = (p) => p.finalLoss;

/** The held-out point (fixed threshold or baseline) stable in every seed with the lowest `stat`. */
function heldOutBest(points: readonly PointResult[], stat: Statistic): PointResult | null {
  const candidates = points.filter((p) => (p.strategy === 'norm' || p.strategy === 'none') && stableEverywhere(p));
  return candidates.reduce<PointResult | null>((a, b) => (a === null || stat(b) < stat(a) ? b : a), null);
}

/** Scores `pointId` against the best of `inSpan` (and of `all` for ratioAll). */
function score(inSpan: readonly PointResult[], all: readonly PointResult[], pointId: string | null): HeldOutScore {
  const p = pointId === null ? undefined : all.find((x) => x.id === pointId);
  if (!p || !stableEverywhere(p)) return { pointId, stable: p !== undefined && stableEverywhere(p), ratio: null, ratioMedian: null, ratioAll: null };
  const ratio = (stat: Statistic, among: readonly PointResult[]) => stat(p) / stat(heldOutBest(among, stat)!);
  return { pointId, stable: true, ratio: ratio(meanLoss, inSpan), ratioMedian: ratio(medianLoss, inSpan), ratioAll: ratio(meanLoss, all) };
}

const best = (points: readonly PointResult[], stat: Statistic) => {
  const p = heldOutBest(points, stat);
  return p ? { pointId: p.id, finalLoss: stat(p) } : null;
};

/** Id of a fixed threshold's point (as grid.ts names it, no lr axis). */
const normId = (maxNorm: number): string => `norm@${maxNorm}`;

/**
 * Scores the default sweep's advice and the folk 1.0 on the held-out sweep. The goal's
 * "held-out best" is taken over the held-out points inside the span of the default grid
 * (denser there) and the baseline: a threshold below or above every default one is no
 * choice the advice could have made; `ratioAll` shows how far such a point was better.
 */
export function scoreAdvice(entry: AdviceEntry, advised: SweepReport, heldOut: SweepReport): AdviceRow {
  const rec = advised.recommendation;
  const [lo, hi] = [Math.min(...advised.grid.thresholds), Math.max(...advised.grid.thresholds)];
  const inSpan = heldOut.points.filter((p) => p.strategy === 'none' || (p.threshold !== null && p.threshold >= lo && p.threshold <= hi));
  const advice = score(inSpan, heldOut.points, adviceId(rec));
  const baseline = heldOut.points.find((p) => p.strategy === 'none');
  return {
    config: entry.config,
    family: entry.family,
    explodes: entry.explodes,
    heldOutBaselineFailed: baseline ? !stableEverywhere(baseline) : false,
    status: rec.status,
    maxNorm: rec.maxNorm,
    heldOutBest: best(inSpan, meanLoss),
    heldOutBestMedian: best(inSpan, medianLoss),
    heldOutBestAll: best(heldOut.points, meanLoss),
    advice,
    folk: score(inSpan, heldOut.points, normId(1)),
    resampled: resample(entry, advised, heldOut, inSpan),
    pass: meetsGoal(entry, rec, advice),
  };
}

/** The held-out point id the advice names (`baseline` for "not needed"), or null. */
function adviceId(rec: SweepReport['recommendation']): string | null {
  return rec.status === 'not_needed' ? 'baseline' : rec.maxNorm === null ? null : normId(rec.maxNorm);
}

/** The goal: exploding, a threshold stable on every held-out seed within the margin of the best; else "not needed". */
function meetsGoal(entry: AdviceEntry, rec: SweepReport['recommendation'], advice: HeldOutScore): boolean {
  return entry.explodes ? rec.status === 'clip' && advice.stable && advice.ratio !== null && advice.ratio <= 1 + ADVICE_MARGIN : rec.status === 'not_needed';
}

/** `AdviceRow.resampled`: the rule on each k-of-n choice of held-out seeds (k = the default sweep's seed count). */
function resample(entry: AdviceEntry, advised: SweepReport, heldOut: SweepReport, inSpan: readonly PointResult[]): AdviceRow['resampled'] {
  const grid = heldOut.points.filter((p) => p.strategy === 'none' || (p.threshold !== null && advised.grid.thresholds.includes(p.threshold)));
  const seeds = grid[0]?.runs.map((r) => r.seed) ?? [];
  const k = advised.grid.seeds.length;
  if (k < 1 || k > seeds.length) return { met: 0, of: 0 };
  const subsets = choose(seeds, k);
  const met = subsets.filter((sub) => {
    const table = grid.map((p) => aggregatePoint(p, p.runs.filter((r) => sub.includes(r.seed))));
    const rec = recommend(table, advised.grid.tolerance);
    return meetsGoal(entry, rec, score(inSpan, heldOut.points, adviceId(rec)));
  }).length;
  return { met, of: subsets.length };
}

/** Every k-element subset of `xs`, in order. */
function choose<T>(xs: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  return xs.flatMap((x, i) => choose(xs.slice(i + 1), k - 1).map((rest) => [x, ...rest]));
}

const percent = (ratio: number | null): string => (ratio === null ? '—' : `+${((ratio - 1) * 100).toFixed(1)}%`);
const ratioText = (s: HeldOutScore): string => (s.ratio === null ? '—' : `${percent(s.ratio)} (median ${percent(s.ratioMedian)}${s.ratioAll !== s.ratio ? `, whole grid ${percent(s.ratioAll)}` : ''})`);
const stableText = (s: HeldOutScore): string => (s.pointId === null ? '—' : s.stable ? 'yes' : '**no**');

/** The advice table in Markdown, with a last line counting the configs that meet the goal. */
export function renderAdviceTable(rows: readonly AdviceRow[], heldOutSeeds: number): string {
  const head = ['config', 'family', 'explodes (held-out)', 'advice', `stable in ${heldOutSeeds} held-out seeds`, 'mean final loss over held-out best', 'held-out best (mean)', '1.0 stable', '1.0 over best', 'goal', 'goal, advice from held-out seeds'];
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const body = rows.map((r) => {
    const advice = r.status === 'clip' ? `max_norm ${r.maxNorm}` : r.status === 'not_needed' ? 'not needed' : 'none stable';
    const explodes = `${r.explodes ? 'yes' : 'no'}${r.heldOutBaselineFailed === r.explodes ? '' : ' (held-out baseline disagrees)'}`;
    const label = (b: AdviceRow['heldOutBest']) => (b ? `${b.pointId} (${b.finalLoss.toPrecision(3)})` : '—');
    const outside = r.heldOutBestAll?.pointId !== r.heldOutBest?.pointId ? `; whole grid: ${label(r.heldOutBestAll)}` : '';
    return line([r.config, r.family, explodes, advice, stableText(r.advice), ratioText(r.advice), `${label(r.heldOutBest)}; median: ${label(r.heldOutBestMedian)}${outside}`, stableText(r.folk), ratioText(r.folk), r.pass ? 'met' : '**missed**', `${r.resampled.met}/${r.resampled.of}`]);
  });
  const met = rows.filter((r) => r.pass).length;
  return [line(head), line(head.map(() => '---')), ...body, '', `goal met on ${met}/${rows.length} configs (exploding: advice stable in every held-out seed and within ${ADVICE_MARGIN * 100}% of the held-out best mean final loss; stable: clipping not needed)`].join('\n');
}
