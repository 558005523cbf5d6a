/**
 * Folds step records into a RunSummary: the log's record summariser (the one `report` and
 * `check` use) plus what only the run knows (halted, backend, run directory, time).
 */
import { createRecordSummariser } from '../log/index.js';
import type { RunStatus, RunSummary, StepRecord } from '../record.js';

export interface SummaryAccumulator {
  add(record: StepRecord): void;
  finish(outcome: {
    halted: boolean;
    reason: string | null;
    backend: string;
    runDir: string | null;
    totalMs: number;
  }): RunSummary;
}

/** A fresh accumulator. `add` every record in order, then `finish` once. */
export function createSummaryAccumulator(): SummaryAccumulator {
  const records = createRecordSummariser();
  return {
    add: records.add,
    finish({ halted, reason, backend, runDir, totalMs }) {
      const s = records.finish();
      const bad = s.firstBadEvent;
      const status: RunStatus = halted ? 'halted' : bad ? 'unstable' : 'ok';
      // Key order is summary.json's byte layout.
      return {
        status,
        reason: status === 'ok' ? null : reason ?? (bad ? `first unstable event at step ${bad.step}` : null),
        steps: s.steps,
        finalLoss: s.finalLoss,
        bestLoss: s.bestLoss?.value ?? null,
        finalValLoss: s.finalValLoss,
        firstBadStep: s.firstBadStep,
        firstBadLayer: bad?.layer ?? null,
        preClipNorm: { median: s.preClipNorm.median, p90: s.preClipNorm.p90, max: s.preClipNorm.max },
        clipRate: s.clipRate,
        skippedSteps: s.skippedSteps,
        events: s.events,
        backend,
        stepsPerSec: totalMs > 0 ? (s.steps * 1000) / totalMs : 0,
        runDir,
        hints: [],
      };
    },
  };
}
