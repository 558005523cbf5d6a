/**
 * Folds step records into a RunSummary: the log's record summariser (the one `report` and
 * `check` use) plus what only the run knows (halted, backend, run directory, time).
 */
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
  finish(end: RunEnd): RunSummary;
}

/** A fresh accumulator. `add` every record in order, then `finish` once. */
export function createSummaryAccumulator(): SummaryAccumulator {
  const records = createRecordSummariser();
  return { add: records.add, finish: (end) => runSummary(records.finish(), end) };
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
    events: s.events,
    backend,
    stepsPerSec: totalMs > 0 ? (s.steps * 1000) / totalMs : 0,
    runDir,
    hints: [],
  };
}
