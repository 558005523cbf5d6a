/**
 * The comparison `gclip replay` makes between a logged step record and the same step
 * recomputed: loss, global pre- and post-clip gradient norms, then every layer's pre- and
 * post-clip norm, in that order, each judged against a relative tolerance. Pure.
 */
import type { StepRecord } from '../record.js';

/** Relative tolerance of a replay on another backend than the run's (docs/replay.md). */
export const CROSS_BACKEND_RTOL = 1e-4;

/** One compared quantity. */
export interface ReplayQuantity {
  /** `loss`, `preClipNorm`, `postClipNorm`, `layerNorms.<layer>`, `layerNormsPost.<layer>`. */
  readonly name: string;
  readonly logged: number;
  readonly replayed: number;
  /** |replayed − logged| / max(|logged|, |replayed|); 0 when both are equal (NaN and NaN too); Infinity when only one is finite or they are different non-finite values. */
  readonly relDiff: number;
  readonly within: boolean;
}

/**
 * The relative difference of two numbers: 0 when they are equal (`Object.is`, except that
 * 0 and -0 are equal; NaN equals NaN), Infinity when they differ and either is not finite,
 * else |a − b| / max(|a|, |b|).
 */
export function relativeDifference(logged: number, replayed: number): number {
  if (logged === replayed || (Number.isNaN(logged) && Number.isNaN(replayed))) return 0;
  if (!Number.isFinite(logged) || !Number.isFinite(replayed)) return Infinity;
  return Math.abs(replayed - logged) / Math.max(Math.abs(logged), Math.abs(replayed));
}

/** The quantities of a record, in comparison order, by name. */
function quantities(r: StepRecord): Map<string, number> {
  const out = new Map<string, number>([
    ['loss', r.loss],
    ['preClipNorm', r.preClipNorm],
    ['postClipNorm', r.postClipNorm],
  ]);
  for (const [layer, v] of Object.entries(r.layerNorms)) out.set(`layerNorms.${layer}`, v);
  for (const [layer, v] of Object.entries(r.layerNormsPost)) out.set(`layerNormsPost.${layer}`, v);
  return out;
}

/**
 * Compares every quantity of `logged` with `replayed` (a quantity missing from the replay,
 * such as a layer the log names and the model lacks, compares as NaN). `rtol` 0 asks for
 * bit-equality; a quantity is within when its relative difference is ≤ `rtol`.
 */
export function compareRecords(logged: StepRecord, replayed: StepRecord, rtol: number): ReplayQuantity[] {
  const now = quantities(replayed);
  return [...quantities(logged)].map(([name, value]) => {
    const again = now.get(name) ?? Number.NaN;
    const relDiff = relativeDifference(value, again);
    return { name, logged: value, replayed: again, relDiff, within: relDiff <= rtol };
  });
}
