/**
 * The one summary of step records: `train` adds each record as it is made (for
 * `summary.json` and the final table), and `report` and `check` fold a finished log the
 * same way, so all three give the same numbers for the same records. Keeps only counters
 * and the finite pre-clip norms, so a 100k-step run summarises without its records.
 */
import { percentile } from '../stats.js';
import type { RunEvent, StepRecord } from './schema.js';
import { createOnsetTracker, type Onset, type OnsetTracker } from './onset.js';
import { injectedText, type InjectedFault } from './injected.js';
import { largestUpdateRatio } from './update-ratio.js';
import { lossSpikeOf, type LossSpike } from './loss-spike.js';

/** What the records of a run add up to. Norm statistics cover finite pre-clip norms only. */
export interface RecordSummary {
  readonly steps: number;
  /** Step numbers of the first and last record, or null for no records. */
  readonly firstStep: number | null;
  readonly lastStep: number | null;
  /** Loss of the last record (NaN or ±Infinity when the run ended so), or null for no records. */
  readonly finalLoss: number | null;
  /**
   * Lowest finite loss and its first step, or null when no loss is finite. Losses after a
   * non-finite step whose update was applied (not skipped) do not count: the weights are
   * corrupt from there on, and a log that reads 0 after a NaN streak has no best loss 0.
   */
  readonly bestLoss: { readonly value: number; readonly step: number } | null;
  /** Last validation loss measured, or null. */
  readonly finalValLoss: number | null;
  /** `median` is the interpolated 50th percentile (see `src/stats`); `maxStep` is where the max was first reached. */
  readonly preClipNorm: { readonly median: number | null; readonly p90: number | null; readonly max: number | null; readonly maxStep: number | null };
  /** Largest finite post-clip norm, or null. */
  readonly postClipNormMax: number | null;
  /** Records whose gradients the strategy changed, and their fraction (0 for no records). */
  readonly clippedSteps: number;
  readonly clipRate: number;
  /** Records whose update the `skip` policy left out (a rollback's step counts in `rollbacks` instead). */
  readonly skippedSteps: number;
  /** `rollback` events: steps where the `rollback` action restored an earlier state. */
  readonly rollbacks: number;
  /** Records that `isNonfiniteStep`. */
  readonly nonfiniteSteps: number;
  /** Event count per kind, kinds in order of first occurrence. */
  readonly events: Readonly<Record<string, number>>;
  /** The first `nonfinite` or `divergence` event in record order, or null. */
  readonly firstBadEvent: RunEvent | null;
  /** Where the run left its healthy regime and the layer blamed (see `log/onset`), or null for a run without an unstable event. */
  readonly onset: Onset | null;
  /** The onset's step (older gclip versions: the first bad event's step), or null. */
  readonly firstBadStep: number | null;
  /** First step whose loss or pre-clip norm was non-finite or that a detector reported non-finite, or null. */
  readonly firstNonfiniteStep: number | null;
  /** First step the policy skipped, or null (a halt is the run's, see `RunSummary`). */
  readonly firstSkippedStep: number | null;
  /** Range of the finite thresholds in force, or null when no record had one. */
  readonly threshold: { readonly min: number; readonly max: number } | null;
  /** Faults injected on purpose (`injected` events), in step order; [] for a run without. */
  readonly injected: readonly InjectedFault[];
  /**
   * The steps' largest per-layer update-to-weight ratios (`largestUpdateRatio`): their
   * median, and the max with its first step and layer; null when no record has a finite one
   * (older logs, update clipping).
   */
  readonly updateRatio: { readonly median: number; readonly max: number; readonly maxStep: number; readonly layer: string } | null;
  /**
   * The transient loss jumps: the `lossSpike` events, in step order, but those at or after
   * the first step of a divergence streak that followed (that jump did not settle: the
   * divergence reports it); [] for a run without. `events` still counts every lossSpike.
   */
  readonly lossSpikes: readonly LossSpike[];
}

/** Folds records one at a time: `add` each in step order, then `finish` once. */
export interface RecordSummariser {
  add(record: StepRecord): void;
  /** The onset `record` would fix if added next, or null (see `OnsetTracker.onsetIf`). */
  onsetIf(record: StepRecord): Onset | null;
  finish(): RecordSummary;
}

/** True when the step's loss or pre-clip norm is NaN or ±Infinity, or a detector reported it non-finite (weights). */
export function isNonfiniteStep(r: StepRecord): boolean {
  return !Number.isFinite(r.loss) || !Number.isFinite(r.preClipNorm) || (r.events.length > 0 && r.events.some(isNonfiniteEvent));
}

const isNonfiniteEvent = (e: RunEvent): boolean => e.kind === 'nonfinite';

/**
 * True when the `rollback` action answered the step's events: its update was not applied
 * (the record says `skipped`), but the summary counts it as a rollback, not a skip.
 */
export function isRollbackStep(r: StepRecord): boolean {
  return r.events.length > 0 && r.events.some((e) => e.kind === 'rollback');
}
const isUnstable = (e: RunEvent): boolean => e.kind === 'nonfinite' || e.kind === 'divergence';

/** Running last values and extremes (mutated by `addExtremes`; never leaves this module). */
interface Extremes {
  firstStep: number | null;
  lastStep: number | null;
  finalLoss: number | null;
  finalValLoss: number | null;
  bestLoss: number;
  bestStep: number | null;
  maxNorm: number;
  maxStep: number | null;
  postMax: number;
  thresholdMin: number;
  thresholdMax: number;
  /** A non-finite step's update reached the weights: later losses are not candidates for the best. */
  corrupt: boolean;
  /** Each step's largest finite update ratio, and the max's step and layer. */
  ratios: number[];
  ratioMax: { ratio: number; step: number; layer: string } | null;
}

function emptyExtremes(): Extremes {
  const [lo, hi] = [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  return { firstStep: null, lastStep: null, finalLoss: null, finalValLoss: null, bestLoss: hi, bestStep: null, maxNorm: lo, maxStep: null, postMax: lo, thresholdMin: hi, thresholdMax: lo, corrupt: false, ratios: [], ratioMax: null };
}

// Plain assignments, no temporaries: `train` calls this once per step.
function addExtremes(m: Extremes, r: StepRecord): void {
  m.firstStep ??= r.step;
  m.lastStep = r.step;
  m.finalLoss = r.loss;
  if (r.valLoss !== null) m.finalValLoss = r.valLoss;
  // Strict comparisons keep the first step of a tie.
  if (!r.skipped && !(Number.isFinite(r.loss) && Number.isFinite(r.preClipNorm))) m.corrupt = true;
  if (!m.corrupt && Number.isFinite(r.loss) && (m.bestStep === null || r.loss < m.bestLoss)) {
    m.bestLoss = r.loss;
    m.bestStep = r.step;
  }
  if (Number.isFinite(r.preClipNorm) && (m.maxStep === null || r.preClipNorm > m.maxNorm)) {
    m.maxNorm = r.preClipNorm;
    m.maxStep = r.step;
  }
  if (Number.isFinite(r.postClipNorm) && r.postClipNorm > m.postMax) m.postMax = r.postClipNorm;
  if (r.threshold !== null && Number.isFinite(r.threshold)) {
    m.thresholdMin = Math.min(m.thresholdMin, r.threshold);
    m.thresholdMax = Math.max(m.thresholdMax, r.threshold);
  }
  if (r.layerUpdateRatios === undefined) return;
  const found = largestUpdateRatio(r.layerUpdateRatios);
  if (found === null) return;
  m.ratios.push(found.ratio);
  if (m.ratioMax === null || found.ratio > m.ratioMax.ratio) m.ratioMax = { ratio: found.ratio, step: r.step, layer: found.layer };
}

/** The summary of the counters, the finite norms and the extremes. */
function finishSummary(c: Counters, norms: readonly number[], m: Extremes, t: OnsetTracker): RecordSummary {
  const bad = c.firstBad;
  const onset = t.onset();
  return {
    steps: c.steps,
    firstStep: m.firstStep,
    lastStep: m.lastStep,
    finalLoss: m.finalLoss,
    bestLoss: m.bestStep === null ? null : { value: m.bestLoss, step: m.bestStep },
    finalValLoss: m.finalValLoss,
    preClipNorm: { median: percentile(norms, 50), p90: percentile(norms, 90), max: m.maxStep === null ? null : m.maxNorm, maxStep: m.maxStep },
    postClipNormMax: m.postMax === Number.NEGATIVE_INFINITY ? null : m.postMax,
    clippedSteps: c.clipped,
    clipRate: c.steps ? c.clipped / c.steps : 0,
    skippedSteps: c.skipped,
    rollbacks: c.events.rollback ?? 0,
    nonfiniteSteps: c.nonfinite,
    events: c.events,
    firstBadEvent: bad,
    onset,
    firstBadStep: onset?.step ?? null,
    firstNonfiniteStep: t.firstNonfiniteStep(),
    firstSkippedStep: t.firstSkippedStep(),
    threshold: m.thresholdMin <= m.thresholdMax ? { min: m.thresholdMin, max: m.thresholdMax } : null,
    injected: c.injected,
    lossSpikes: c.lossSpikes,
    updateRatio: m.ratioMax && { median: percentile(m.ratios, 50)!, max: m.ratioMax.ratio, maxStep: m.ratioMax.step, layer: m.ratioMax.layer },
  };
}

interface Counters {
  steps: number;
  clipped: number;
  skipped: number;
  nonfinite: number;
  readonly events: Record<string, number>;
  firstBad: RunEvent | null;
  readonly injected: InjectedFault[];
  lossSpikes: LossSpike[];
}

/** A fresh summariser. */
export function createRecordSummariser(): RecordSummariser {
  const norms: number[] = [];
  const m = emptyExtremes();
  const c: Counters = { steps: 0, clipped: 0, skipped: 0, nonfinite: 0, events: {}, firstBad: null, injected: [], lossSpikes: [] };
  const t = createOnsetTracker();
  return {
    add(r) {
      t.add(r);
      c.steps++;
      if (r.clipped) c.clipped++;
      if (r.skipped && !isRollbackStep(r)) c.skipped++;
      if (isNonfiniteStep(r)) c.nonfinite++;
      if (Number.isFinite(r.preClipNorm)) norms.push(r.preClipNorm);
      addExtremes(m, r);
      const found = r.events;
      for (let i = 0; i < found.length; i++) {
        const e = found[i]!;
        c.events[e.kind] = (c.events[e.kind] ?? 0) + 1;
        if (c.firstBad === null && isUnstable(e)) c.firstBad = e;
        else if (e.kind === 'injected') c.injected.push({ step: e.step, fault: injectedText(e) });
        else if (e.kind === 'lossSpike') c.lossSpikes.push(lossSpikeOf(e));
        if (e.kind === 'divergence') c.lossSpikes = c.lossSpikes.filter((s) => s.step < (e.since ?? e.step));
      }
    },
    onsetIf: t.onsetIf,
    finish: () => finishSummary(c, norms, m, t),
  };
}
/** Summarises finished records (see `RecordSummary`). O(n) plus two sorts of the finite norms. */
export function summarizeRecords(records: readonly StepRecord[]): RecordSummary {
  const s = createRecordSummariser();
  for (const r of records) s.add(r);
  return s.finish();
}
