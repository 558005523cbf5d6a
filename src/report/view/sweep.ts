/**
 * A `sweep.json` read for reporting: the points (threshold, strategy, seeds, how many
 * seeds stayed stable, final loss, clip rate) and the recommendation. Only these fields are
 * read; any other field, at any level, is ignored so newer sweep files still report.
 */
import { z } from 'zod';
import { inputError } from '../../errors.js';
import { preview } from '../../guard/shape.js';
import { decodeNumbers, parseJson5 } from '../../log/index.js';
import { sweepHeatmap, type SweepHeatmap } from './sweep-heatmap.js';
import { wantsLogScale } from './scale.js';

/** A number, a non-finite number decoded from its string name, or null. */
const num = z.union([z.number(), z.nan(), z.null()]);

const pointSchema = z.looseObject({
  threshold: num,
  strategy: z.string().default('norm'),
  seeds: z.number().int().nonnegative(),
  stableSeeds: z.number().int().nonnegative(),
  finalLoss: num.default(null),
  clipRate: num.default(null),
  /** Version 2: the point's lr on an lr axis (absent or null without one). */
  lr: num.default(null),
});

const sweepSchema = z.looseObject({
  recommendation: z.looseObject({ maxNorm: num, reason: z.string().default(''), lr: num.default(null) }).nullable().default(null),
  points: z.array(pointSchema).min(1),
});

/** One sweep point. `threshold` null is the unclipped baseline. */
export interface SweepPoint {
  readonly threshold: number | null;
  readonly strategy: string;
  readonly seeds: number;
  readonly stableSeeds: number;
  /** Final loss (NaN when it diverged), or null when not recorded. */
  readonly finalLoss: number | null;
  readonly clipRate: number | null;
}

/** The part of a sweep.json (the `SweepReport` of `src/sweep`) that `gclip report` shows. */
export interface SweepOverview {
  readonly points: readonly SweepPoint[];
  /** The recommended max norm and why; null when the sweep made none. */
  readonly recommendation: { readonly maxNorm: number | null; readonly reason: string } | null;
  /** The lr × max_norm heatmap of a sweep with an lr axis, else null. */
  readonly heatmap?: SweepHeatmap | null;
}

function bad(file: string, message: string, line?: number): never {
  throw inputError('sweep_invalid', {
    path: '',
    message,
    source: line === undefined ? file : `${file}:${line}`,
    hint: 'Pass the sweep.json that `gclip sweep` wrote.',
  });
}

/**
 * Parses a sweep file's text. Throws GclipError `sweep_invalid` (exit 2) naming the file,
 * and the line for bad JSON, or the first bad field (`points.2.seeds`).
 */
export function parseSweep(text: string, file: string): SweepOverview {
  const doc = parseJson5(text, ({ reason, line }) => bad(file, `not valid JSON: ${reason}`, line), decodeNumbers);
  return sweepOverview(doc, file);
}

/**
 * The overview of a sweep file's parsed document (non-finite numbers already decoded, as
 * `decodeNumbers` does). Throws GclipError `sweep_invalid` (exit 2) naming the file and
 * the first bad field (`points.2.seeds`).
 */
export function sweepOverview(doc: unknown, file: string): SweepOverview {
  const parsed = sweepSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    const received = issue?.path.reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<PropertyKey, unknown>)[k] : undefined), doc);
    const what = received === undefined ? 'is missing' : `is invalid (${(issue?.message ?? 'invalid').replace(/, received .*$/, '')}), received ${preview(received)}`;
    bad(file, `${path || 'sweep'} ${what}`);
  }
  const { recommendation } = parsed.data;
  // On an lr axis (version 2), the threshold chart shows the recommended lr's column (else the first lr's).
  const lrs = parsed.data.points.map((p) => p.lr).filter((lr): lr is number => lr !== null);
  const column = recommendation?.lr ?? lrs[0] ?? null;
  const points = column === null ? parsed.data.points : parsed.data.points.filter((p) => p.lr === column);
  return {
    points: points.map((p) => ({ threshold: p.threshold, strategy: p.strategy, seeds: p.seeds, stableSeeds: p.stableSeeds, finalLoss: p.finalLoss, clipRate: p.clipRate })),
    recommendation: recommendation && { maxNorm: recommendation.maxNorm, reason: recommendation.reason },
    heatmap: sweepHeatmap(doc),
  };
}

/** True when `doc` looks like a sweep file (an object with a `points` array). */
export function looksLikeSweep(doc: unknown): boolean {
  return typeof doc === 'object' && doc !== null && Array.isArray((doc as { points?: unknown }).points);
}

/** Final loss against threshold for one strategy, thresholds ascending. */
export interface SweepSeries {
  readonly strategy: string;
  readonly thresholds: readonly number[];
  /** Final loss per threshold; null where it was not finite or not recorded. */
  readonly finalLoss: readonly (number | null)[];
  /** Fraction of seeds that stayed stable per threshold. */
  readonly stableRate: readonly number[];
}

/** Chart data of a sweep. */
export interface SweepChart {
  readonly series: readonly SweepSeries[];
  /** Unclipped baseline's final loss (first baseline point), or null. */
  readonly baselineLoss: number | null;
  /** The recommended point: its threshold and the final loss there (null when unknown). */
  readonly recommended: { readonly threshold: number; readonly finalLoss: number | null } | null;
  /**
   * True when the final losses drawn (every series and the baseline line) span orders of
   * magnitude (see `wantsLogScale`): a diverged baseline at 1e12 would flatten every
   * clipped point onto 0 on a linear axis. The terminal and HTML charts both use it.
   */
  readonly lossLog: boolean;
}

const finiteOrNull = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);

/**
 * Groups the clipped points by strategy (thresholds ascending) and locates the recommended
 * threshold on them (the first series with a point at exactly that threshold).
 */
export function buildSweepChart(report: SweepOverview): SweepChart {
  const byStrategy = new Map<string, SweepPoint[]>();
  for (const p of report.points) {
    if (p.threshold === null || !Number.isFinite(p.threshold)) continue;
    byStrategy.set(p.strategy, [...(byStrategy.get(p.strategy) ?? []), p]);
  }
  const series = [...byStrategy.entries()].map(([strategy, ps]) => {
    const sorted = [...ps].sort((a, b) => a.threshold! - b.threshold!);
    return {
      strategy,
      thresholds: sorted.map((p) => p.threshold!),
      finalLoss: sorted.map((p) => finiteOrNull(p.finalLoss)),
      stableRate: sorted.map((p) => (p.seeds ? p.stableSeeds / p.seeds : 0)),
    };
  });
  const baseline = report.points.find((p) => p.threshold === null);
  const maxNorm = report.recommendation?.maxNorm ?? null;
  const at = maxNorm === null ? undefined : report.points.find((p) => p.threshold === maxNorm);
  const baselineLoss = finiteOrNull(baseline?.finalLoss ?? null);
  const drawn = [...series.flatMap((x) => x.finalLoss), baselineLoss].filter((v): v is number => v !== null);
  return {
    series,
    baselineLoss,
    lossLog: wantsLogScale(drawn),
    recommended: maxNorm === null || !Number.isFinite(maxNorm) ? null : { threshold: maxNorm, finalLoss: finiteOrNull(at?.finalLoss ?? null) },
  };
}
