/**
 * The StepRecord a step of a foreign log (CSV, Lightning, Hugging Face) becomes: what the
 * log knows, and stated defaults for what it does not.
 */
import type { RunEvent, StepRecord } from './schema.js';

/** What a foreign log knows about one step. */
export interface ForeignStep {
  readonly step: number;
  readonly loss: number;
  readonly gradNorm: number;
  readonly lr?: number;
  readonly valLoss?: number;
  readonly layerNorms?: Readonly<Record<string, number>>;
}

/**
 * A StepRecord for a step of a foreign log. Unknown fields: lr NaN when not logged,
 * wallMs 0, not skipped; unclipped (postClipNorm = preClipNorm, coefficient 1) unless
 * `clipNorm` is given (then coefficient = clipNorm / norm when norm > clipNorm, as the
 * exact-semantics clip). Events: one `nonfinite` event when loss or grad norm is NaN/±Inf.
 */
export function foreignRecord(s: ForeignStep, clipNorm?: number): StepRecord {
  const clipped = clipNorm !== undefined && s.gradNorm > clipNorm;
  const what = [
    ...(Number.isFinite(s.loss) ? [] : (['loss'] as const)),
    ...(Number.isFinite(s.gradNorm) ? [] : (['grad_norm'] as const)),
  ];
  const events: RunEvent[] = what.length > 0 ? [{ kind: 'nonfinite', step: s.step, what, layer: null }] : [];
  return {
    step: s.step,
    loss: s.loss,
    preClipNorm: s.gradNorm,
    postClipNorm: clipped ? clipNorm : s.gradNorm,
    clipCoef: clipped ? clipNorm / s.gradNorm : 1,
    clipped,
    threshold: clipNorm ?? null,
    layerNorms: s.layerNorms ?? {},
    layerNormsPost: {},
    lr: s.lr ?? Number.NaN,
    valLoss: s.valLoss ?? null,
    events,
    skipped: false,
    wallMs: 0,
  };
}
