/**
 * One self-contained HTML page for a report: the summary table as HTML, the chart data as
 * embedded JSON, uPlot and its CSS inlined, and the script that draws the charts. Needs
 * no network. Pure: text in, text out.
 */
import type { Report, RunReport, SweepReportView } from '../view/index.js';
import { formatNumber, formatPercent, summaryRows } from '../view/index.js';
import { neutralize, neutralizeDeep } from '../../guard/neutralize.js';
import type { ChartAssets } from './assets.js';
import { onsetText, RECENT_STEPS, stepNamer } from '../../log/index.js';
import { CLIENT_JS } from './client.js';
import { heatmapHtml } from './sweep-heatmap.js';

/** Options of `buildHtmlReport`. */
export interface HtmlOptions {
  /** Page title (default: "gclip report — <source>"). */
  readonly title?: string;
}

const ESC: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values, after writing control characters visibly (`neutralize`). */
export function escapeHtml(text: string): string {
  return neutralize(text).replace(/[&<>"']/g, (ch) => ESC[ch]!);
}

/** JSON safe inside a `<script>` element: `<` is escaped so `</script>` cannot end it. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Inline script text: only `</script` needs breaking inside a classic script. */
const inlineScript = (js: string): string => js.replace(/<\/script/gi, '<\\/script');

function htmlTable(head: readonly string[] | null, rows: readonly (readonly string[])[], cls: string): string {
  const th = head ? `<thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>` : '';
  const body = rows.map((r) => `<tr>${r.map((c, i) => (head === null && i === 0 ? `<th>${escapeHtml(c)}</th>` : `<td>${escapeHtml(c)}</td>`)).join('')}</tr>`).join('');
  return `<table class="${cls}">${th}<tbody>${body}</tbody></table>`;
}

const section = (title: string, body: string, id: string): string => `<section id="${id}"><h2>${escapeHtml(title)}</h2>${body}</section>`;

const ROLLBACK_KEY = ' <span class="rollback">↺ rollback (state restored, batches skipped)</span>';

/** The marker legend; the rollback key only when the run rolled back. */
const eventKey = (rolledBack: boolean): string =>
  `<p class="key"><span class="spike">▲ spike</span> <span class="updateRatio">△ update/weight ratio</span> <span class="lossSpike">◇ loss spike</span> <span class="divergence">◆ divergence (first step of the streak)</span> <span class="nonfinite">✖ non-finite loss or gradient</span>${rolledBack ? ROLLBACK_KEY : ''} — dashed vertical lines</p>`;
/** Only a run with injected faults gets the key of their marker, so a clean run's report is as before. */
const injectedKey = (r: RunReport): string => (r.summary.injected.length ? `<p class="key"><span style="color:#1f5fbf">↯ fault injected on purpose (${escapeHtml(r.summary.injected.map((f) => f.fault).join(', '))})</span>: what the detectors found there is its consequence</p>` : '');

function onsetSection(r: RunReport): string {
  if (!r.chart.layers) return '';
  const o = r.summary.onset;
  const blamed = o === null
    ? '<p>No onset: the run never left its healthy regime, so no layer is blamed.</p>'
    : `<p class="onset">Onset ${escapeHtml(onsetText(o, stepNamer(r.summary.injected)))}${o.layerRatio === null ? '' : ` — its norm was ${escapeHtml(formatNumber(o.layerRatio, { digits: 3 }))}× its recent scale`}.</p>`;
  const omitted = r.chart.layers.omitted.length ? `<p class="note">Not drawn (smaller peak norms): ${escapeHtml(r.chart.layers.omitted.join(', '))}.</p>` : '';
  const how = `<p class="note">The layer blamed is the one whose pre-clip norm at the onset step was largest relative to its own recent scale (the median of its last ${RECENT_STEPS} finite norms); a non-finite layer norm wins outright.</p>`;
  return section('Per-layer gradient norm and the layer blamed', `<div class="chart" id="chart-layers"></div>${omitted}${blamed}${how}`, 'layers');
}

function runBody(r: RunReport): string {
  const c = r.chart;
  const note = c.steps.length < c.totalSteps
    ? `<p class="note">Drawn from ${c.steps.length} of ${c.totalSteps} steps: each bucket of steps keeps its minimum and maximum, so spikes stay visible.</p>`
    : '';
  const dropped = c.eventsOmitted ? `<p class="note">${c.eventsOmitted} further events not marked.</p>` : '';
  return [
    section('Summary', htmlTable(null, summaryRows(r.summary), 'summary'), 'summary'),
    section(`Loss${c.lossLog ? ' (log scale)' : ''}`, `<div class="chart" id="chart-loss"></div>${note}`, 'loss'),
    section('Gradient norm before and after clipping (log scale)', `<div class="chart" id="chart-norm"></div>${eventKey(c.events.some((e) => e.kind === 'rollback'))}${injectedKey(r)}${dropped}`, 'norm'),
    c.updateRatio ? section('Update/weight ratio ‖Δw‖/‖w‖ of the largest layer (log scale)', '<div class="chart" id="chart-update"></div><p class="note">What the optimizer applied, relative to the weights before the step; healthy training stays near 1e-3.</p>', 'update') : '',
    onsetSection(r),
  ].filter(Boolean).join('\n');
}

function baselineNote(r: SweepReportView): string {
  const base = r.sweep.points.find((p) => p.threshold === null);
  if (!base) return '<p class="note">No unclipped baseline in this sweep.</p>';
  if (r.chart.baselineLoss !== null) return '<p class="note">Dashed grey line: final loss without clipping.</p>';
  return `<p class="note">The unclipped baseline did not finish with a finite loss (final loss ${escapeHtml(formatNumber(base.finalLoss))}, ${base.stableSeeds}/${base.seeds} seeds stable), so it has no line. Points missing from a curve diverged.</p>`;
}

function sweepBody(r: SweepReportView): string {
  const rec = r.sweep.recommendation;
  const recText = rec?.maxNorm != null
    ? `<p class="recommend">★ Recommended max norm <strong>${escapeHtml(formatNumber(rec.maxNorm))}</strong>${rec.reason ? ` — ${escapeHtml(rec.reason)}` : ''}</p>`
    : `<p class="recommend none">No recommendation${rec?.reason ? ` — ${escapeHtml(rec.reason)}` : ''}</p>`;
  const rows = r.sweep.points.map((p) => [
    p.threshold === null ? 'none (baseline)' : formatNumber(p.threshold), p.strategy, `${p.stableSeeds}/${p.seeds}`,
    formatNumber(p.finalLoss), p.clipRate === null ? '—' : formatPercent(p.clipRate),
    p.threshold !== null && p.threshold === rec?.maxNorm ? '★ recommended' : '',
  ]);
  return [
    section('Recommendation', recText, 'recommendation'),
    heatmapHtml(r.sweep.heatmap ?? null, escapeHtml),
    section('Final loss vs clip threshold', `<div class="chart" id="chart-sweep"></div>${baselineNote(r)}`, 'sweep'),
    section('Points', htmlTable(['threshold', 'strategy', 'stable seeds', 'median final loss', 'clip rate', ''], rows, 'summary'), 'points'),
  ].join('\n');
}

function chartData(report: Report): unknown {
  const onset = report.kind === 'run' ? report.summary.onset : null;
  if (report.kind === 'run') return { kind: 'run', chart: report.chart, onsets: onset ? [{ step: onset.step, kind: 'onset' }] : [] };
  return { kind: 'sweep', chart: report.chart };
}

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1140px;padding:0 16px;color:#222}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}.source{color:#666;margin:0;word-break:break-all}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #ddd;padding:4px 10px;text-align:left;vertical-align:top}
table.summary th{background:#f6f6f6;font-weight:600}.note{color:#666;font-size:12.5px}.key span{margin-right:14px}
.spike{color:#d98c00}.updateRatio{color:#2ca02c}.lossSpike{color:#e377c2}.divergence{color:#9c27b0}.nonfinite{color:#d62728}.rollback{color:#17a2b8}.recommend{font-size:16px;color:#145a14}.recommend.none{color:#a66a00}
footer{margin-top:32px;color:#888;font-size:12px}`;

/**
 * Builds the HTML page of `report`. The result is one file: no external scripts, styles,
 * fonts or images. Its size is dominated by uPlot (~50 KB) and the chart data, which
 * `buildRunChart` bounds (≈ 9 × buckets points), so a 100k-step run stays well under 1 MB.
 */
export function buildHtmlReport(report: Report, assets: ChartAssets, options: HtmlOptions = {}): string {
  const title = options.title ?? `gclip report — ${report.source}`;
  const body = report.kind === 'run' ? runBody(report) : sweepBody(report);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${assets.css}</style><style>${CSS}</style></head>
<body>
<h1>gclip ${report.kind === 'run' ? 'run' : 'sweep'} report</h1><p class="source">${escapeHtml(report.source)}</p>
${body}
<footer>Generated by gclip; charts drawn with uPlot ${escapeHtml(assets.version)} (inlined, works offline).</footer>
<script type="application/json" id="gclip-data">${scriptJson(neutralizeDeep(chartData(report)))}</script>
<script>${inlineScript(assets.js)}</script>
<script>${inlineScript(CLIENT_JS)}</script>
</body></html>
`;
}
