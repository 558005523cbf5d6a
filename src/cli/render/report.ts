/**
 * `gclip report` in the terminal: the summary table, asciichart line charts (loss; pre- and
 * post-clip norm on a log scale with the threshold, and a marker row for events), the
 * moments of the run (onset, first non-finite step, policy step) in the summary, and for sweeps final loss against threshold with the recommendation
 * marked. Text only: the numbers arrive shaped by `report/view`.
 */
import { stripVTControlCharacters } from 'node:util';
import asciichart from 'asciichart';
import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';
import type { EventKind } from '../../record.js';
import { summaryRows, type Report, type RunReport, type SweepReportView, type TerminalRunCharts, type TerminalSweepChart } from '../../report/view/index.js';
import { ciSafeJson, neutralizeDeep } from '../../guard/neutralize.js';
import { stringifyWithNonFinite } from '../../log/codec.js';
import { num, pct } from './format.js';

const HEIGHT = 10;
const MARK: Readonly<Record<EventKind, string>> = { updateRatio: '△', lossSpike: '◇', spike: '▲', divergence: '◆', nonfinite: '✖', rollback: '↺', injected: '↯' };

/** Widths of the summary table's two columns: 28 + 48 plus borders fit an 80-column terminal. */
const SUMMARY_WIDTHS = [28, 48];

function table(rows: readonly (readonly [string, string])[], c: ChalkInstance): string {
  const t = new Table({ style: { head: [], border: [] }, colWidths: SUMMARY_WIDTHS, wordWrap: true });
  t.push(...rows.map(([k, v]) => ({ [c.bold(k)]: v })));
  return t.toString();
}

/** asciichart's colour codes only when chalk colours at all (NO_COLOR, --no-color). */
function colors(c: ChalkInstance, names: (keyof typeof asciichart & string)[]): string[] | undefined {
  return c.level > 0 ? names.map((n) => asciichart[n] as string) : undefined;
}

const pow10 = (x: number): string => num(10 ** x, { digits: 3 });

function plot(series: number[][], opts: { c: ChalkInstance; log: boolean; colorNames: (keyof typeof asciichart & string)[] }): string {
  // asciichart sizes its grid from the finite min and max; a series without one (every
  // value NaN or ±Infinity) would make that size NaN ("Invalid array length"), so it is left out.
  const drawn = series.map((s, i) => ({ s, color: opts.colorNames[i]! })).filter(({ s }) => s.some(Number.isFinite));
  if (drawn.length === 0) return opts.c.dim('  (no finite values to draw)');
  const cfg = { height: HEIGHT, format: (x: number) => (opts.log ? pow10(x) : num(x, { digits: 3 })).padStart(10), colors: colors(opts.c, drawn.map((d) => d.color)) };
  return asciichart.plot(drawn.map((d) => d.s), cfg);
}

/** The row under a chart: `marks[column]` placed under the data columns (after the y-axis). */
function markerRow(chart: string, marks: ReadonlyMap<number, string>): string {
  // The axis glyph ends the label area; data column x is printed x + 1 characters after it.
  const first = stripVTControlCharacters(chart.split('\n')[0]!);
  const axis = Math.max(first.indexOf('┤'), first.indexOf('┼'));
  const width = Math.max(0, ...marks.keys()) + 1;
  const cells = Array.from({ length: width }, (_, i) => marks.get(i) ?? ' ');
  return ' '.repeat(axis + 1) + cells.join('');
}

/** Blanks the data columns in `gaps` on every row, so a line breaks where its values were not finite (as in the HTML chart). */
function breakAt(chart: string, gaps: readonly number[]): string {
  if (gaps.length === 0) return chart;
  const first = stripVTControlCharacters(chart.split('\n')[0]!);
  const start = Math.max(first.indexOf('┤'), first.indexOf('┼')) + 1;
  return chart.split('\n').map((line) => {
    // Colour codes would shift columns: a chart with gaps is drawn from its visible characters.
    const cells = [...stripVTControlCharacters(line)];
    for (const g of gaps) if (start + g < cells.length) cells[start + g] = ' ';
    return cells.join('');
  }).join('\n');
}

function eventRow(chart: string, t: TerminalRunCharts, c: ChalkInstance): string {
  const paint = { updateRatio: c.yellow, lossSpike: c.yellow, spike: c.yellow, divergence: c.magenta, nonfinite: c.red, rollback: c.cyan, injected: c.blue } as const;
  const marks = new Map(t.eventColumns.map((e) => [e.column, paint[e.kind](MARK[e.kind])]));
  return marks.size ? markerRow(chart, marks) : '';
}

/** ◇ under the loss chart's columns that hold a loss spike, or undefined (no row) without one. */
function lossSpikeRow(chart: string, t: TerminalRunCharts, c: ChalkInstance): string | undefined {
  if (t.lossSpikeColumns.length === 0) return undefined;
  return `${markerRow(chart, new Map(t.lossSpikeColumns.map((col) => [col, c.yellow(MARK.lossSpike)])))}  ${c.yellow('◇ loss spike')}`;
}

function stepAxis(chart: string, t: TerminalRunCharts, c: ChalkInstance): string {
  const last = `step ${t.lastStep}`;
  const row = markerRow(chart, new Map([[0, '']]));
  const left = `${row}step ${t.firstStep}`;
  return c.dim(left.padEnd(Math.max(left.length + 1, row.length + t.width - last.length)) + last);
}

function runCharts(t: TerminalRunCharts, c: ChalkInstance): string {
  const loss = breakAt(plot([[...t.loss]], { c, log: t.lossLog, colorNames: ['default'] }), t.lossGaps);
  const norms = [[...t.preLog10], [...t.postLog10], ...(t.thresholdLog10 ? [[...t.thresholdLog10]] : [])];
  const normChart = breakAt(plot(norms, { c, log: true, colorNames: ['yellow', 'cyan', 'magenta'] }), t.normGaps);
  const legend = [c.yellow('── pre-clip norm'), c.cyan('── post-clip norm'), ...(t.thresholdLog10 ? [c.magenta('── threshold')] : [])];
  const injected = t.eventColumns.some((e) => e.kind === 'injected') ? ` ${c.blue('↯ injected')}` : '';
  const rollback = t.eventColumns.some((e) => e.kind === 'rollback') ? ` ${c.cyan('↺ rollback')}` : '';
  const keys = t.eventColumns.length ? `   events: ${c.yellow('▲ spike')} ${c.yellow('△ update ratio')} ${c.yellow('◇ loss spike')} ${c.magenta('◆ divergence')} ${c.red('✖ non-finite')}${rollback}${injected}` : '';
  return [
    c.bold(`Loss${t.lossLog ? ' (log scale)' : ''}`), loss, lossSpikeRow(loss, t, c), stepAxis(loss, t, c), null,
    c.bold('Gradient norm (log scale)'), normChart, eventRow(normChart, t, c) || undefined, stepAxis(normChart, t, c),
    `  ${legend.join('  ')}${keys}`,
    ...updateChart(t, c),
  ].filter((l) => l !== undefined).map((l) => l ?? '').join('\n');
}

/** The largest layer update/weight ratio per column, when the log has the update telemetry. */
function updateChart(t: TerminalRunCharts, c: ChalkInstance): (string | null)[] {
  if (!t.updateLog10) return [];
  const chart = breakAt(plot([[...t.updateLog10]], { c, log: true, colorNames: ['green'] }), t.updateGaps);
  return [null, c.bold('Update/weight ratio ‖Δw‖/‖w‖, largest layer (log scale)'), chart, stepAxis(chart, t, c)];
}

/** Renders a run report with its terminal charts. */
export function renderRunReport(report: RunReport, t: TerminalRunCharts, c: ChalkInstance): string {
  const r = neutralizeDeep(report);
  const parts = [c.bold(`Run report: ${r.source}`), table(summaryRows(r.summary), c), runCharts(t, c)];
  return parts.filter(Boolean).join('\n\n') + '\n';
}

function sweepTable(r: SweepReportView, c: ChalkInstance): string {
  const rec = r.sweep.recommendation?.maxNorm ?? null;
  const t = new Table({ head: ['threshold', 'strategy', 'stable seeds', 'final loss', 'clip rate', ''], style: { head: [], border: [] } });
  for (const p of r.sweep.points) {
    const mark = p.threshold !== null && p.threshold === rec ? c.green('★ recommended') : '';
    t.push([p.threshold === null ? 'none (baseline)' : num(p.threshold), p.strategy, `${p.stableSeeds}/${p.seeds}`, num(p.finalLoss), p.clipRate === null ? '—' : pct(p.clipRate), mark]);
  }
  return t.toString();
}

function sweepChart(t: TerminalSweepChart, c: ChalkInstance): string {
  if (t.series.length === 0) return '';
  const chart = plot(t.series.map((s) => [...s.values]), { c, log: t.lossLog, colorNames: ['cyan', 'yellow', 'magenta', 'green'] });
  const mid = Math.floor(t.columnsPerPoint / 2);
  const marks = new Map<number, string>(t.divergedIndices.map((k) => [k * t.columnsPerPoint + mid, c.red('✖')]));
  if (t.recommendedIndex !== null) marks.set(t.recommendedIndex * t.columnsPerPoint + mid, c.green('★'));
  const labels = t.thresholds.map((x) => num(x, { digits: 3 }).slice(0, Math.max(1, t.columnsPerPoint - 1)).padEnd(t.columnsPerPoint)).join('');
  const axis = markerRow(chart, new Map([[0, '']]));
  const legend = t.series.length > 1 ? `  ${t.series.map((s) => s.strategy).join(', ')} (in colour order cyan, yellow, magenta, green)` : '';
  return [c.bold(`Final loss vs clip threshold${t.lossLog ? ' (log scale)' : ''}`), chart, marks.size ? markerRow(chart, marks) : '', c.dim(axis + labels), `  ${c.green('★ recommended')}  ${c.red('✖ diverged')}${legend}`].filter(Boolean).join('\n');
}

/** Renders a sweep report: points table, chart, recommendation. */
export function renderSweepView(report: SweepReportView, chart: TerminalSweepChart, c: ChalkInstance): string {
  const [r, t] = [neutralizeDeep(report), neutralizeDeep(chart)];
  const rec = r.sweep.recommendation;
  const line = rec?.maxNorm != null ? c.green(`★ recommended max norm ${num(rec.maxNorm)}`) + (rec.reason ? ` — ${rec.reason}` : '') : c.yellow(`no recommendation${rec?.reason ? ` — ${rec.reason}` : ''}`);
  return [c.bold(`Sweep report: ${r.source}`), sweepTable(r, c), sweepChart(t, c), line].filter(Boolean).join('\n\n') + '\n';
}

/**
 * `gclip report --json`: one JSON object, `kind`, `source` and, for a run, `summary` (the
 * facts of the summary table: the record summary with the onset and its batch, and
 * summary.json's outcome), for a sweep, `sweep` (its points and recommendation).
 * Non-finite numbers are the strings "NaN", "Infinity", "-Infinity", as in `train --json`.
 */
export function renderReportJson(report: Report): string {
  const doc = report.kind === 'run' ? { kind: 'run', source: report.source, summary: report.summary } : { kind: 'sweep', source: report.source, sweep: report.sweep };
  return ciSafeJson(stringifyWithNonFinite(doc)) + '\n';
}
