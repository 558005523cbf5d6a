/**
 * Text of `gclip sweep`: the point table (cli-table3) with the recommended row
 * highlighted, a chart of final loss against threshold on a log axis (asciichart), the
 * recommendation with cross-checks, and the progress line on stderr.
 */
import asciichart from 'asciichart';
import type { ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import { stringifyWithNonFinite } from '../../log/codec.js';
import { meanFinalLoss, type PointResult, type SweepOutcome, type SweepProgress, type SweepReport } from '../../sweep/index.js';
import { isRollbackRow } from '../../sweep/rollback-row.js';
import type { CliIO } from '../io.js';
import { ciSafeJson, neutralize, neutralizeDeep } from '../../guard/neutralize.js';
import { num, pct } from './format.js';
import { renderHeatmap } from './sweep-heatmap.js';

/** The `--json` output: the report as one line. */
export function reportJson(report: SweepReport): string {
  return ciSafeJson(stringifyWithNonFinite(report)) + '\n';
}

function label(p: PointResult): string {
  const what = p.strategy === 'none' ? 'none (baseline)' : isRollbackRow(p) ? 'none + rollback' : p.threshold !== null ? `max_norm ${num(p.threshold)}` : p.strategy;
  return p.lr === null || p.lr === undefined ? what : `lr ${num(p.lr)} ${what}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * The point table; the recommended row is bold green and marked with ◀. Final loss shows the
 * median over seeds (`finalLoss`) and the mean, the number the rule ranks by and the reasons quote.
 */
export function renderTable(report: SweepReport, c: ChalkInstance): string {
  const head = ['point', 'stable', 'final loss median', 'mean', 'best loss', 'loss AUC', 'clipped', 'spikes', 'skipped', '1st bad step', 'time'];
  const table = new Table({ head: head.map((h) => c.bold(h)), style: { head: [], border: [] } });
  for (const p of report.points) {
    const chosen = p.id === report.recommendation.pointId;
    const notes = [p.crashedSeeds ? `${p.crashedSeeds} crashed` : '', p.prunedSeeds ? `${p.prunedSeeds} pruned` : ''].filter(Boolean).join(', ');
    const stable = `${p.stableSeeds}/${p.seeds}${notes ? ` (${notes})` : ''}`;
    const row = [`${label(p)}${chosen ? ' ◀' : ''}`, stable, num(p.finalLoss), num(meanFinalLoss(p)), num(p.bestLoss), num(p.lossAuc), pct(p.clipRate), String(p.spikes), p.rollbacks ? `${p.skipped} (${p.rollbacks} rollbacks)` : String(p.skipped), p.firstBadStep === null ? '—' : String(p.firstBadStep), seconds(p.wallMs)];
    const paint = chosen ? (s: string) => c.bold.green(s) : p.stableSeeds < p.seeds ? (s: string) => c.red(s) : (s: string) => s;
    table.push(row.map(paint));
  }
  return table.toString();
}

const WIDTH = 56;

/**
 * Final loss (median over seeds) against max_norm on a log x axis: the finite points are
 * placed at log-proportional columns and joined linearly. Below it, the thresholds at
 * their columns, ✖ under the unstable ones. Null when fewer than two points are finite.
 */
export function renderChart(report: SweepReport, c: ChalkInstance): string | null {
  if ((report.grid.lrs ?? []).length > 0) return null;
  const fixed = report.points.filter((p) => p.strategy === 'norm' && p.threshold !== null);
  const finite = fixed.filter((p) => Number.isFinite(p.finalLoss));
  if (finite.length < 2) return null;
  const lo = Math.log(fixed[0]!.threshold!);
  const hi = Math.log(fixed[fixed.length - 1]!.threshold!);
  const col = (t: number) => Math.round(((Math.log(t) - lo) / (hi - lo || 1)) * (WIDTH - 1));
  const xs = finite.map((p) => col(p.threshold!));
  const series: number[] = [];
  for (let x = xs[0]!; x <= xs[xs.length - 1]!; x++) {
    const i = Math.max(0, xs.findIndex((v, k) => v <= x && (xs[k + 1] ?? Infinity) > x));
    const [x0, x1] = [xs[i]!, xs[Math.min(i + 1, xs.length - 1)]!];
    const [y0, y1] = [finite[i]!.finalLoss, finite[Math.min(i + 1, finite.length - 1)]!.finalLoss];
    series.push(x1 === x0 ? y0 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0));
  }
  const pad = ' '.repeat(xs[0]!);
  const plot = asciichart.plot(series, { height: 8, format: (v) => num(v).padStart(9) + ' ' }).split('\n').map((l) => l.replace(/^(.{10}.)/, `$1${pad}`));
  return [c.bold('final loss vs max_norm (log axis)'), ...plot, axis(fixed, col, c)].join('\n');
}

function axis(fixed: readonly PointResult[], col: (t: number) => number, c: ChalkInstance): string {
  const ticks = Array.from({ length: WIDTH + 8 }, () => ' ');
  const labels = Array.from({ length: WIDTH + 8 }, () => ' ');
  for (const p of fixed) {
    const x = col(p.threshold!);
    ticks[x] = p.stableSeeds === p.seeds ? '┴' : '✖';
    const text = num(p.threshold);
    if (labels.slice(x, x + text.length + 1).every((ch) => ch === ' ')) text.split('').forEach((ch, k) => (labels[x + k] = ch));
  }
  const indent = ' '.repeat(11);
  const legend = fixed.some((p) => p.stableSeeds < p.seeds) ? `\n${c.dim(`${indent}✖ unstable in some seed (not plotted when its final loss is not finite)`)}` : '';
  return `${indent}${ticks.join('').trimEnd()}\n${indent}${labels.join('').trimEnd()}${legend}`;
}

/** Recommendation, reason, cross-checks and suggestions. */
export function renderRecommendation(report: SweepReport, c: ChalkInstance): string {
  const r = report.recommendation;
  const head =
    r.status === 'clip' ? c.green(`✔ recommended max_norm: ${num(r.maxNorm)}${r.lr !== null && r.lr !== undefined ? ` at lr ${num(r.lr)}` : ''}`)
    : r.status === 'not_needed' ? c.green(`✔ clipping not needed (max_norm: null)${r.lr !== null && r.lr !== undefined ? ` at lr ${num(r.lr)}` : ''}`)
    : c.red('✖ no threshold was stable in every seed (max_norm: null)');
  const lines = [head, `  ${r.reason}`];
  for (const col of r.perLr ?? []) lines.push(c.dim(`  lr ${num(col.lr)}: ${col.status === 'clip' ? `max_norm ${num(col.maxNorm)}` : col.status === 'not_needed' ? 'clipping not needed' : 'nothing stable'}${col.finalLoss !== null ? `, final loss ${num(col.finalLoss)}` : ''}`));
  const x = report.crossChecks;
  if (x) {
    const caveat = x.baselineStable ? '' : '; the baseline failed, so these steps may include the blow-up: read them as upper bounds';
    lines.push(c.dim(`  cross-checks from the unclipped baseline's pre-clip norms (${x.steps} steps before any instability${caveat}):`));
    lines.push(c.dim(`    mean ${num(x.meanNorm)} (Pascanu et al. 2013: a threshold near the average norm); p10 ${num(x.p10)} (AutoClip's default percentile), p50 ${num(x.p50)}, p90 ${num(x.p90)}`));
  }
  for (const s of r.suggestions) lines.push(c.yellow(`  → ${s}`));
  return lines.join('\n');
}

/** The whole terminal report. */
export function renderSweepReport(raw: SweepReport, o: { color: ChalkInstance; dir: string }): string {
  const report = neutralizeDeep(raw);
  const chart = renderChart(report, o.color) ?? renderHeatmap(report, o.color);
  const parts = [renderTable(report, o.color), ...(chart ? [chart] : []), renderRecommendation(report, o.color), o.color.dim(`report: ${neutralize(o.dir)}/sweep.json`)];
  return parts.join('\n\n') + '\n';
}

/** What a shard or an interrupted sweep prints (stderr). */
export function renderPartial(outcome: Exclude<SweepOutcome, { kind: 'report' }>, rawDir: string, c: ChalkInstance): string {
  const dir = neutralize(rawDir);
  if (outcome.kind === 'interrupted') {
    return c.yellow(`sweep interrupted: ${outcome.done}/${outcome.total} runs finished and cached in ${dir}; run the same command again to resume.\n`);
  }
  const crashed = outcome.crashed ? c.red(` (${outcome.crashed} crashed)`) : '';
  return `shard ${outcome.shard.index}/${outcome.shard.count}: ${outcome.tasks} runs done${crashed} in ${dir}\nmerge the shard directories with: gclip sweep merge DIR...\n`;
}

function clock(ms: number | null): string {
  if (ms === null) return '?';
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** One progress line: done / running / left, cached, crashed, elapsed and ETA. */
export function progressLine(p: SweepProgress): string {
  const cached = p.cached ? `, ${p.cached} cached` : '';
  const crashed = p.crashed ? `, ${p.crashed} crashed` : '';
  return `sweep: ${p.done}/${p.total} runs done, ${p.running} running, ${p.left} left${cached}${crashed} | ${clock(p.elapsedMs)} elapsed, eta ${clock(p.etaMs)}`;
}

/** Progress on stderr: one rewritten line on a TTY, else a line per finished run. */
export function createSweepProgress(o: { io: CliIO; color: ChalkInstance; quiet: boolean }) {
  let shown = false;
  return {
    update: (p: SweepProgress) => {
      if (o.quiet) return;
      if (o.io.errIsTTY) {
        o.io.err(`\r\x1b[K${o.color.dim(progressLine(p))}`);
        shown = true;
      } else if (p.last !== null) {
        const what = neutralize(`${p.last.pointId} seed ${p.last.seed}: ${p.last.status}`);
        o.io.err(o.color.dim(`${progressLine(p)} | ${what}`) + '\n');
      }
    },
    done: () => {
      if (shown) o.io.err('\n');
    },
  };
}
