/**
 * The report model: everything the terminal and HTML renderers show, built from what
 * `loadReportInput` loaded. Pure; the renderers only lay it out.
 */
import { summarizeRecords, type ClipKnowledge, type RecordSummary, type RunOutcome, type StepRecord } from '../../log/index.js';
import type { ReportInput } from './load.js';
import { withDetectedEvents } from '../../detect/index.js';
import { buildRunChart, type RunChartData, type RunChartOptions } from './run-chart.js';
import { buildSweepChart, type SweepChart, type SweepOverview } from './sweep.js';

/** The numbers at the top of a run report: the records' summary (as `train` and `check` compute it), and the outcome from `summary.json` when it was read. */
export interface RunReportSummary extends RecordSummary {
  readonly outcome: RunOutcome | null;
  /** Whether the clip rate and post-clip norms are known (see `ClipKnowledge`). */
  readonly clipping: ClipKnowledge;
}

/** A run's report. */
export interface RunReport {
  readonly kind: 'run';
  readonly source: string;
  readonly summary: RunReportSummary;
  readonly chart: RunChartData;
  /** The records reported: a foreign log's with the replayed detectors' events. */
  readonly records: readonly StepRecord[];
}

/** A sweep's report. */
export interface SweepReportView {
  readonly kind: 'sweep';
  readonly source: string;
  readonly sweep: SweepOverview;
  readonly chart: SweepChart;
}

/** Either report. */
export type Report = RunReport | SweepReportView;

/** Options of `buildReport`: chart downsampling. */
export interface ReportOptions {
  readonly chart?: RunChartOptions;
}

/**
 * Builds the report of a loaded input. Cost O(records) for runs. A foreign log's records
 * get the events of the default detectors replayed over them (as `check` does); a gclip
 * log keeps the events its run recorded.
 */
export function buildReport(input: ReportInput, options: ReportOptions = {}): Report {
  if (input.kind === 'sweep') return { kind: 'sweep', source: input.source, sweep: input.sweep, chart: buildSweepChart(input.sweep) };
  const records = input.format === 'gclip' ? input.records : withDetectedEvents(input.records);
  return {
    kind: 'run',
    source: input.source,
    summary: { ...summarizeRecords(records), outcome: input.outcome, clipping: input.clipping },
    chart: buildRunChart(records, options.chart),
    records,
  };
}
