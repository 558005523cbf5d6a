/**
 * Folds step records into a RunSummary. Keeps only numbers (finite pre-clip norms for
 * percentiles, counters), so a 100k-step run summarises in memory without the records.
 */
import type { RunEvent, RunStatus, RunSummary, StepRecord } from '../record.js';
import { percentile } from '../stats.js';

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

const UNSTABLE: ReadonlySet<RunEvent['kind']> = new Set(['nonfinite', 'divergence']);

/** A fresh accumulator. `add` every record in order, then `finish` once. */
export function createSummaryAccumulator(): SummaryAccumulator {
  const norms: number[] = [];
  const events: Record<string, number> = {};
  let steps = 0, clipped = 0, skipped = 0;
  let finalLoss: number | null = null, bestLoss: number | null = null, finalValLoss: number | null = null;
  let firstBad: RunEvent | null = null;
  return {
    add(record) {
      steps++;
      if (record.clipped) clipped++;
      if (record.skipped) skipped++;
      if (Number.isFinite(record.preClipNorm)) norms.push(record.preClipNorm);
      finalLoss = record.loss;
      if (record.valLoss !== null) finalValLoss = record.valLoss;
      if (Number.isFinite(record.loss) && (bestLoss === null || record.loss < bestLoss)) bestLoss = record.loss;
      const found = record.events;
      for (let i = 0; i < found.length; i++) {
        const e = found[i]!;
        events[e.kind] = (events[e.kind] ?? 0) + 1;
        if (firstBad === null && UNSTABLE.has(e.kind)) firstBad = e;
      }
    },
    finish({ halted, reason, backend, runDir, totalMs }) {
      const bad = firstBad as RunEvent | null;
      const status: RunStatus = halted ? 'halted' : bad ? 'unstable' : 'ok';
      return {
        status,
        reason: status === 'ok' ? null : reason ?? (bad ? `first unstable event at step ${bad.step}` : null),
        steps,
        finalLoss,
        bestLoss,
        finalValLoss,
        firstBadStep: bad === null ? null : bad.kind === 'divergence' ? bad.since : bad.step,
        firstBadLayer: bad?.layer ?? null,
        preClipNorm: { median: percentile(norms, 50), p90: percentile(norms, 90), max: norms.length ? norms.reduce((a, b) => Math.max(a, b)) : null },
        clipRate: steps ? clipped / steps : 0,
        skippedSteps: skipped,
        events,
        backend,
        stepsPerSec: totalMs > 0 ? (steps * 1000) / totalMs : 0,
        runDir,
        hints: [],
      };
    },
  };
}
