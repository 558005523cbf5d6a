/**
 * Folds step records into a RunSummary: the log's record summariser (the one `report` and
 * `check` use) plus what only the run knows (halted, backend, run directory, time).
 */
import type { Onset } from '../log/onset.js';
import { createRecordSummariser, type RecordSummary } from '../log/summary.js';
import type { RunStatus, RunSummary, StepRecord } from '../record.js';

/** What the loop knows when it ends, beside the records. */
export interface RunEnd {
  halted: boolean;
  /** Stopped by a signal (SIGINT/SIGTERM) before the planned end: status `interrupted`. */
  interrupted?: boolean;
  /** Every unstable event was answered by a rollback: the run recovered and is `ok`. */
  recovered?: boolean;
  reason: string | null;
  backend: string;
  runDir: string | null;
  totalMs: number;
}

/** Takes the records of a run as they are made, then gives its RunSummary. */
export interface SummaryAccumulator {
  add(record: StepRecord): void;
  /** The onset `record` would fix if added next, or null (see `OnsetTracker.onsetIf`). */
  onsetIf(record: StepRecord): Onset | null;
  finish(end: RunEnd): RunSummary;
}

/** A fresh accumulator. `add` every record in order, then `finish` once. */
export function createSummaryAccumulator(): SummaryAccumulator {
  const records = createRecordSummariser();
  return { add: records.add, onsetIf: records.onsetIf, finish: (end) => runSummary(records.finish(), end) };
}

/** The RunSummary of the records' summary `s`; its key order is summary.json's byte layout. */
function runSummary(s: RecordSummary, { halted, interrupted, recovered, reason, backend, runDir, totalMs }: RunEnd): RunSummary {
  const bad = s.firstBadEvent;
  const status: RunStatus = interrupted ? 'interrupted' : halted ? 'halted' : bad && !recovered ? 'unstable' : 'ok';
  return {
    status,
    reason: status === 'ok' ? null : reason ?? (bad ? `first unstable event at step ${bad.step}` : null),
    steps: s.steps,
    finalLoss: s.finalLoss,
    bestLoss: s.bestLoss?.value ?? null,
    finalValLoss: s.finalValLoss,
    firstBadStep: s.firstBadStep,
    firstBadLayer: s.onset?.layer ?? null,
    onset: s.onset,
    firstNonfiniteStep: s.firstNonfiniteStep,
    policyStep: s.firstSkippedStep ?? (halted ? s.lastStep : null),
    preClipNorm: { median: s.preClipNorm.median, p90: s.preClipNorm.p90, max: s.preClipNorm.max },
    clipRate: s.clipRate,
    updateRatio: s.updateRatio,
    skippedSteps: s.skippedSteps,
    rollbacks: s.rollbacks,
    events: s.events,
    // Only a run with injected faults has the field: a clean run's summary.json is as before.
    ...(s.injected.length > 0 ? { injected: s.injected } : {}),
    // Likewise only a run with a loss spike has this one.
    ...(s.lossSpikes.length > 0 ? { lossSpikes: s.lossSpikes } : {}),
    backend,
    stepsPerSec: totalMs > 0 ? (s.steps * 1000) / totalMs : 0,
    runDir,
    hints: [],
    settings: null,
  };
}
