/**
 * The numbers at the top of a report, folded from the step records alone, so a bare
 * `steps.jsonl` or a foreign log reports the same as a run directory.
 */
import { percentile } from '../../stats.js';
import type { RunEvent, StepRecord } from '../../record.js';

/** What `summary.json` adds when the report reads a run directory (all optional). */
export interface RunOutcome {
  readonly status: string;
  readonly reason: string | null;
  readonly backend: string | null;
}

/** Headline statistics of a run. Norm statistics cover finite pre-clip norms only. */
export interface RunReportSummary {
  readonly steps: number;
  readonly firstStep: number;
  readonly lastStep: number;
  readonly finalLoss: number;
  /** Lowest finite loss and its step, or null when no loss is finite. */
  readonly bestLoss: { readonly value: number; readonly step: number } | null;
  readonly preClipNorm: { readonly median: number | null; readonly p90: number | null; readonly max: number | null; readonly maxStep: number | null };
  readonly postClipNormMax: number | null;
  /** Fraction of steps whose gradients the strategy changed. */
  readonly clipRate: number;
  readonly skippedSteps: number;
  /** Steps whose loss or pre-clip norm is NaN or ±Infinity. */
  readonly nonfiniteSteps: number;
  /** Event count per kind. */
  readonly events: Readonly<Record<string, number>>;
  /** First step of the first nonfinite or divergence event (a divergence's `since`). */
  readonly firstBadStep: number | null;
  /** Threshold range in force (min, max over steps that had one), or null. */
  readonly threshold: { readonly min: number; readonly max: number } | null;
  /** From `summary.json` when present. */
  readonly outcome: RunOutcome | null;
}

function firstBad(events: readonly RunEvent[]): number | null {
  let best: number | null = null;
  for (const e of events) {
    if (e.kind === 'spike') continue;
    const at = e.kind === 'divergence' ? e.since : e.step;
    if (best === null || at < best) best = at;
  }
  return best;
}

/** Folds `records` (non-empty, in step order) into the summary. O(n) plus a sort of the norms. */
export function summarizeRecords(records: readonly StepRecord[], outcome: RunOutcome | null = null): RunReportSummary {
  const norms: number[] = [];
  const events: Record<string, number> = {};
  const all: RunEvent[] = [];
  let clipped = 0, skipped = 0, nonfinite = 0, postMax: number | null = null;
  let maxNorm: number | null = null, maxStep: number | null = null;
  let best: { value: number; step: number } | null = null, tMin = Infinity, tMax = -Infinity;
  for (const r of records) {
    if (r.clipped) clipped++;
    if (r.skipped) skipped++;
    if (!Number.isFinite(r.loss) || !Number.isFinite(r.preClipNorm)) nonfinite++;
    if (Number.isFinite(r.preClipNorm)) {
      if (maxNorm === null || r.preClipNorm > maxNorm) {
        maxNorm = r.preClipNorm;
        maxStep = r.step;
      }
      norms.push(r.preClipNorm);
    }
    if (Number.isFinite(r.postClipNorm) && (postMax === null || r.postClipNorm > postMax)) postMax = r.postClipNorm;
    if (Number.isFinite(r.loss) && (best === null || r.loss < best.value)) best = { value: r.loss, step: r.step };
    if (r.threshold !== null && Number.isFinite(r.threshold)) {
      tMin = Math.min(tMin, r.threshold);
      tMax = Math.max(tMax, r.threshold);
    }
    for (const e of r.events) {
      events[e.kind] = (events[e.kind] ?? 0) + 1;
      all.push(e);
    }
  }
  const first = records[0]!, last = records.at(-1)!;
  return {
    steps: records.length,
    firstStep: first.step,
    lastStep: last.step,
    finalLoss: last.loss,
    bestLoss: best,
    preClipNorm: { median: percentile(norms, 50), p90: percentile(norms, 90), max: maxNorm, maxStep },
    postClipNormMax: postMax,
    clipRate: clipped / records.length,
    skippedSteps: skipped,
    nonfiniteSteps: nonfinite,
    events,
    firstBadStep: firstBad(all),
    threshold: tMin <= tMax ? { min: tMin, max: tMax } : null,
    outcome,
  };
}
