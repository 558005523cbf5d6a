/** The report view: load a run or sweep, summarise it, and shape chart data (pure). */
export { loadReportInput, SWEEP_FILE, type ReportInput, type ReportReader } from './load.js';
export { buildReport, type Report, type ReportOptions, type RunReport, type RunReportSummary, type SweepReportView } from './report.js';
export { buildTerminalCharts, buildTerminalSweep, carryGaps, wantsLogScale, LOG_SPAN, type TerminalRunCharts, type TerminalSweepChart } from './terminal-chart.js';
export { buildRunChart, type ChartEvent, type LayerSeries, type RunChartData, type RunChartOptions } from './run-chart.js';
export { buildSweepChart, parseSweep, type SweepChart, type SweepPoint, type SweepOverview, type SweepSeries } from './sweep.js';
export { minMaxIndices, unionIndices, bucketReduce, columnOf, type BucketFold } from './downsample.js';
export { summaryRows, formatNumber, formatPercent } from './rows.js';
