/**
 * Run charts reduced to terminal columns: one value per column per series (the column's
 * maximum, so a one-step spike still shows), norms as log10 for a log-scaled y axis, and
 * which columns hold an event. The terminal renderer only draws these.
 */
import type { EventKind, StepRecord } from '../../record.js';
import { bucketReduce, columnOf } from './downsample.js';
import type { SweepChart } from './sweep.js';
import { wantsLogScale, LOG_SPAN } from './scale.js';
import { largestUpdateRatio } from '../../log/update-ratio.js';

export { wantsLogScale, LOG_SPAN };

/**
 * Column series for the terminal. A column with no finite value carries the previous
 * column's value (the first finite value for leading columns), because the terminal chart
 * library cannot draw gaps; `eventColumns` marks where the values were non-finite.
 */
export interface TerminalRunCharts {
  readonly width: number;
  readonly firstStep: number;
  readonly lastStep: number;
  /** Loss per column (the column's maximum), log10 when `lossLog`. */
  readonly loss: readonly number[];
  /** True when the loss spans more than `LOG_SPAN` (positive values only): drawn on log10. */
  readonly lossLog: boolean;
  /** log10 of the pre-clip norm per column (the column's maximum). */
  readonly preLog10: readonly number[];
  /** log10 of the post-clip norm per column (the column's maximum). */
  readonly postLog10: readonly number[];
  /** log10 of the threshold per column (last value), or null when the run had none. */
  readonly thresholdLog10: readonly number[] | null;
  /** Columns where the loss had no finite value: the renderer breaks the line there. */
  readonly lossGaps: readonly number[];
  /** Columns where the pre-clip norm had no finite positive value. */
  readonly normGaps: readonly number[];
  /** log10 of each column's largest layer update/weight ratio (max), or null when no record has one. */
  readonly updateLog10: readonly number[] | null;
  /** Columns where the update ratio had no finite positive value. */
  readonly updateGaps: readonly number[];
  /** Columns holding at least one event, with the most severe kind there. */
  readonly eventColumns: readonly { readonly column: number; readonly kind: EventKind }[];
  /** Columns holding a loss spike, marked under the loss chart (a loss event, whatever else the column holds). */
  readonly lossSpikeColumns: readonly number[];
}

// An injected fault marks its column above all: what happens there is its consequence.
const SEVERITY: Readonly<Record<EventKind, number>> = { updateRatio: 0, lossSpike: 1, spike: 2, divergence: 3, nonfinite: 4, rollback: 5, injected: 6 };

const log10OrNaN = (v: number): number => (v > 0 ? Math.log10(v) : Number.NaN);

/** Replaces NaN by the previous finite value (leading NaN by the first finite one); all-NaN stays. */
export function carryGaps(values: readonly number[]): number[] {
  const first = values.find(Number.isFinite);
  if (first === undefined) return [...values];
  let last = first;
  return values.map((v) => (Number.isFinite(v) ? (last = v) : last));
}

/** Indices of the values that are not finite (the columns `carryGaps` filled). */
export function gapColumns(values: readonly number[]): number[] {
  return values.flatMap((v, i) => (Number.isFinite(v) ? [] : [i]));
}

/**
 * Reduces `records` (non-empty, step order) to `width` columns (fewer when there are fewer
 * records). Norms ≤ 0 and non-finite values drop out of their column.
 */
export function buildTerminalCharts(records: readonly StepRecord[], width: number): TerminalRunCharts {
  const n = records.length;
  const col = (f: (r: StepRecord) => number): Float64Array => Float64Array.from(records, f);
  const thresholds = col((r) => r.threshold ?? Number.NaN);
  const events = new Map<number, EventKind>();
  const lossSpikes = new Set<number>();
  const indexOf = new Map(records.map((r, i) => [r.step, i]));
  records.forEach((r, i) => {
    for (const e of r.events) {
      // A divergence is marked where its streak began (the summary's first bad step).
      const c = columnOf(e.kind === 'divergence' ? indexOf.get(e.since) ?? i : i, n, width);
      const prev = events.get(c);
      if (prev === undefined || SEVERITY[e.kind] > SEVERITY[prev]) events.set(c, e.kind);
      if (e.kind === 'lossSpike') lossSpikes.add(c);
    }
  });
  const lossRaw = col((r) => r.loss);
  const lossLog = wantsLogScale(lossRaw);
  const loss = bucketReduce(lossRaw, width, 'max');
  const logCols = (f: (r: StepRecord) => number): number[] => bucketReduce(col(f), width, 'max').map(log10OrNaN);
  const lossCols = lossLog ? loss.map(log10OrNaN) : loss;
  const pre = logCols((r) => r.preClipNorm);
  const ratio = records.some((r) => r.layerUpdateRatios !== undefined) ? logCols((r) => largestUpdateRatio(r.layerUpdateRatios)?.ratio ?? Number.NaN) : null;
  return {
    width: loss.length,
    firstStep: records[0]!.step,
    lastStep: records.at(-1)!.step,
    loss: carryGaps(lossCols),
    lossLog,
    preLog10: carryGaps(pre),
    postLog10: carryGaps(logCols((r) => r.postClipNorm)),
    lossGaps: gapColumns(lossCols),
    normGaps: gapColumns(pre),
    updateLog10: ratio && carryGaps(ratio),
    updateGaps: ratio ? gapColumns(ratio) : [],
    thresholdLog10: thresholds.some(Number.isFinite) ? carryGaps(bucketReduce(thresholds, width, 'last').map(log10OrNaN)) : null,
    eventColumns: [...events.entries()].sort((a, b) => a[0] - b[0]).map(([column, kind]) => ({ column, kind })),
    lossSpikeColumns: [...lossSpikes].sort((a, b) => a - b),
  };
}

/** A sweep's final loss against threshold, stretched to terminal columns. */
export interface TerminalSweepChart {
  /** One series per strategy; each point repeated `columnsPerPoint` times. Non-finite losses carry (see `carryGaps`). */
  readonly series: readonly { readonly strategy: string; readonly values: readonly number[] }[];
  readonly columnsPerPoint: number;
  /** Thresholds, ascending, shared by every series (the union over strategies). */
  readonly thresholds: readonly number[];
  /** Index into `thresholds` of the recommended one, or null. */
  readonly recommendedIndex: number | null;
  /** Indices into `thresholds` where some strategy's final loss was not finite (diverged). */
  readonly divergedIndices: readonly number[];
  readonly lossLog: boolean;
}

/**
 * Lays a sweep chart out on `width` columns: thresholds are spaced evenly (sweep grids are
 * geometric, so even spacing reads as a log axis), each taking `floor(width / count)` columns.
 */
export function buildTerminalSweep(chart: SweepChart, width: number): TerminalSweepChart {
  const thresholds = [...new Set(chart.series.flatMap((s) => s.thresholds))].sort((a, b) => a - b);
  const per = Math.max(1, Math.floor(width / Math.max(1, thresholds.length)));
  const raw = chart.series.map((s) => thresholds.map((t) => {
    const i = s.thresholds.indexOf(t);
    return i < 0 ? Number.NaN : s.finalLoss[i] ?? Number.NaN;
  }));
  const lossLog = chart.lossLog;
  const diverged = thresholds.flatMap((t, k) => (chart.series.some((s) => { const i = s.thresholds.indexOf(t); return i >= 0 && s.finalLoss[i] === null; }) ? [k] : []));
  const rec = chart.recommended ? thresholds.indexOf(chart.recommended.threshold) : -1;
  return {
    series: chart.series.map((s, j) => ({
      strategy: s.strategy,
      values: carryGaps(raw[j]!.map((v) => (lossLog ? log10OrNaN(v) : v))).flatMap((v) => Array<number>(per).fill(v)),
    })),
    columnsPerPoint: per,
    thresholds,
    recommendedIndex: rec < 0 ? null : rec,
    divergedIndices: diverged,
    lossLog,
  };
}
