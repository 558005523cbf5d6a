/**
 * The lr × max_norm heatmap of a version-2 sweep.json (an lr axis), for the HTML report:
 * one row per max_norm (and unclipped), one column per lr; each cell has the stable seed
 * count, the final loss and the seeds' own final losses (shown on hover). Null for a sweep
 * without an lr axis (every version-1 file).
 */
import { z } from 'zod';

const num = z.union([z.number(), z.nan(), z.null()]);

const cellSchema = z.looseObject({
  lr: num.default(null),
  threshold: num,
  strategy: z.string().default('norm'),
  seeds: z.number().int().nonnegative(),
  stableSeeds: z.number().int().nonnegative(),
  finalLoss: num.default(null),
  finalLossSpread: num.default(null),
  runs: z.array(z.looseObject({ seed: z.number(), finalLoss: num.default(null) })).default([]),
});

const docSchema = z.looseObject({
  points: z.array(z.unknown()),
  recommendation: z.looseObject({ maxNorm: num.default(null), lr: num.default(null), status: z.string().default('') }).nullable().default(null),
});

/** One cell of the heatmap. */
export interface HeatmapCell {
  readonly stableSeeds: number;
  readonly seeds: number;
  readonly finalLoss: number | null;
  /** Half the range of the seeds' final losses. */
  readonly spread: number | null;
  readonly seedLosses: readonly { readonly seed: number; readonly finalLoss: number | null }[];
  readonly recommended: boolean;
}

/** Rows (max_norm descending, unclipped first) × columns (lr ascending). */
export interface SweepHeatmap {
  readonly lrs: readonly number[];
  /** Row thresholds; null is the unclipped row. */
  readonly rows: readonly (number | null)[];
  /** cells[row][column]; null where the sweep has no such point. */
  readonly cells: readonly (readonly (HeatmapCell | null)[])[];
}

/** The heatmap of a parsed sweep document, or null when it has no lr axis or does not parse. */
export function sweepHeatmap(doc: unknown): SweepHeatmap | null {
  const parsed = docSchema.safeParse(doc);
  if (!parsed.success) return null;
  const points = parsed.data.points.map((p) => cellSchema.safeParse(p)).flatMap((r) => (r.success && (r.data.strategy === 'norm' || r.data.strategy === 'none') ? [r.data] : []));
  const lrs = [...new Set(points.map((p) => p.lr).filter((lr): lr is number => lr !== null))].sort((a, b) => a - b);
  if (lrs.length === 0) return null;
  const thresholds = [...new Set(points.map((p) => p.threshold).filter((t): t is number => t !== null))].sort((a, b) => b - a);
  const rows = [null, ...thresholds];
  const rec = parsed.data.recommendation;
  const cells = rows.map((t) => lrs.map((lr) => {
    const p = points.find((q) => q.lr === lr && q.threshold === t);
    if (!p) return null;
    const recommended = rec !== null && rec.lr === lr && (rec.status === 'not_needed' ? t === null : rec.maxNorm === t);
    return { stableSeeds: p.stableSeeds, seeds: p.seeds, finalLoss: p.finalLoss, spread: p.finalLossSpread, seedLosses: p.runs.map((r) => ({ seed: r.seed, finalLoss: r.finalLoss })), recommended };
  }));
  return { lrs, rows, cells };
}
