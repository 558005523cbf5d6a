/**
 * The sweep's "no clipping + rollback" candidate (`gclip sweep --rollback-row`): per lr
 * column, one more row that trains unclipped with the `rollback` action on non-finite
 * values and divergence (the config's `detect.rollback` settings: lrScale, maxTotal, ring),
 * where every other row halts. It answers "do I need clipping, or only a way back from the
 * rare blow-up?". Off by default: without the flag nothing in the plan, the table or
 * sweep.json changes.
 */
import type { DetectConfig } from '../config/schema.js';
import { formatNumber } from '../format.js';
import type { PointResult } from './metrics.js';
import { pairedAsGood } from './recommend.js';
import type { Recommendation, RollbackEvidence } from './recommendation.js';

/** The row's `strategy` (its clip kind is `none`). */
export const ROLLBACK_STRATEGY = 'none+rollback';

/** The row's point id before any lr prefix. */
export const ROLLBACK_POINT = 'rollback';

/** Whether a point is the rollback row. */
export const isRollbackRow = (p: { readonly strategy: string }): boolean => p.strategy === ROLLBACK_STRATEGY;

/** The detect block of the rollback row: non-finite values and divergence roll back; the rest as configured. */
export function rollbackDetect(detect: DetectConfig): DetectConfig {
  return {
    ...detect,
    nonfinite: { ...detect.nonfinite, action: 'rollback' },
    divergence: { ...detect.divergence, action: 'rollback' },
  };
}

const num = (x: number | null): string => formatNumber(x, { digits: 3 });

/**
 * The recommendation with the rollback rows' evidence (`rollback` and a sentence in the
 * reason). The rule never sees the rows (a recovery policy is not a max_norm): each is
 * reported next to the choice, compared with it seed by seed like the rule compares points
 * (`pairedAsGood`, `tolerance` relative). Unchanged when the sweep has no rollback row.
 */
export function withRollbackEvidence(rec: Recommendation, points: readonly PointResult[], tolerance: number): Recommendation {
  const rows = points.filter(isRollbackRow);
  if (rows.length === 0) return rec;
  const chosen = points.find((p) => p.id === rec.pointId) ?? null;
  const evidence = rows.map((p): RollbackEvidence => ({
    pointId: p.id,
    lr: p.lr,
    stableSeeds: p.stableSeeds,
    seeds: p.seeds,
    finalLoss: p.finalLoss,
    rollbacks: p.rollbacks ?? 0,
    asGoodAsChosen: chosen === null ? null : pairedAsGood(p, chosen, tolerance),
  }));
  const sentences = evidence.map((e) => {
    const where = e.lr === null ? '' : ` at lr ${num(e.lr)}`;
    const versus = e.asGoodAsChosen === null ? '' : e.asGoodAsChosen ? `, within ${num(tolerance * 100)}% of the recommended point in every seed` : ', worse than the recommended point in some seed';
    return ` No clipping + rollback${where}: stable in ${e.stableSeeds}/${e.seeds} seeds, final loss ${num(e.finalLoss)}, ${e.rollbacks} rollback(s) over the seeds${versus}.`;
  });
  return { ...rec, reason: rec.reason + sentences.join(''), rollback: evidence };
}
