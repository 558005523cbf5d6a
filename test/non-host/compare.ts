/**
 * Field-by-field comparison of two runs' step records (the op path on `cpu-ops` against the
 * host path on `cpu`): per numeric field, how many steps agree bit for bit and the largest
 * relative difference.
 */
import type { StepRecord } from '../../src/log/schema.js';

/** One field's agreement over a run. */
export interface FieldAgreement {
  /** Steps where the two values are the same float (NaN equals NaN). */
  readonly identical: number;
  readonly steps: number;
  /** Largest |a − b| / max(|a|, |b|) over the steps (0 when identical everywhere). */
  readonly worst: number;
}

/** The numeric fields of a record, flattened: layer norms as `layerNorms.<name>`. */
function numericFields(r: StepRecord): Record<string, number | null> {
  const out: Record<string, number | null> = { loss: r.loss, preClipNorm: r.preClipNorm, postClipNorm: r.postClipNorm, clipCoef: r.clipCoef, threshold: r.threshold, lr: r.lr, valLoss: r.valLoss };
  for (const [k, v] of Object.entries(r.layerNorms)) out[`layerNorms.${k}`] = v;
  for (const [k, v] of Object.entries(r.layerNormsPost)) out[`layerNormsPost.${k}`] = v;
  return out;
}

function relative(x: number | null, y: number | null): number {
  if (x === null || y === null) return x === y ? 0 : Infinity;
  if (Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)) || x === y) return 0;
  return Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y));
}

/** Agreement of every numeric field of `a` and `b` (same steps, same layers). */
export function compareRecords(a: readonly StepRecord[], b: readonly StepRecord[]): Record<string, FieldAgreement> {
  const fields: Record<string, { identical: number; steps: number; worst: number }> = {};
  a.forEach((r, i) => {
    const x = numericFields(r);
    const y = numericFields(b[i]!);
    for (const key of new Set([...Object.keys(x), ...Object.keys(y)])) {
      const d = relative(x[key] ?? null, y[key] ?? null);
      const f = (fields[key] ??= { identical: 0, steps: 0, worst: 0 });
      f.steps++;
      if (d === 0) f.identical++;
      f.worst = Math.max(f.worst, Number.isNaN(d) ? Infinity : d);
    }
  });
  return fields;
}

/** The largest relative difference over every field. */
export function worstOf(agreement: Record<string, FieldAgreement>): number {
  return Math.max(0, ...Object.values(agreement).map((f) => f.worst));
}
