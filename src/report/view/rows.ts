/**
 * The summary table of a report as label/value text pairs, shared by the terminal and the
 * HTML report so both show the same facts in the same words.
 */
import type { RunReportSummary } from './summary.js';

/**
 * 4 significant digits, plain for mid-range values, exponent for tiny/huge; NaN/Infinity
 * named; null → '—'. Same rule as the CLI's `num` (report cannot import the CLI).
 */
export function formatNumber(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined) return '—';
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1e5 || abs < 1e-3) return x.toExponential(digits - 1);
  return Number(x.toPrecision(digits)).toString();
}

/** A fraction as a percentage with one decimal. */
export function formatPercent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** The summary rows, in display order. `status` leads when summary.json was read. */
export function summaryRows(s: RunReportSummary): [string, string][] {
  const f = formatNumber;
  const events = Object.entries(s.events).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  const t = s.threshold;
  const rows: [string, string][] = [
    ['steps', `${s.steps} (step ${s.firstStep} → ${s.lastStep})`],
    ['final loss', f(s.finalLoss)],
    ['best loss', s.bestLoss ? `${f(s.bestLoss.value)} at step ${s.bestLoss.step}` : '—'],
    ['pre-clip norm median / p90', `${f(s.preClipNorm.median)} / ${f(s.preClipNorm.p90)}`],
    ['pre-clip norm max', s.preClipNorm.max === null ? '—' : `${f(s.preClipNorm.max)} at step ${s.preClipNorm.maxStep}`],
    ['post-clip norm max', f(s.postClipNormMax)],
    ['threshold', t ? (t.min === t.max ? f(t.min) : `${f(t.min)} – ${f(t.max)}`) : 'none'],
    ['steps clipped', formatPercent(s.clipRate)],
    ['steps skipped / non-finite', `${s.skippedSteps} / ${s.nonfiniteSteps}`],
    ['events', events],
    ['first bad step', s.firstBadStep === null ? 'none' : String(s.firstBadStep)],
  ];
  if (s.outcome) rows.unshift(['status', s.outcome.reason ? `${s.outcome.status}: ${s.outcome.reason}` : s.outcome.status]);
  return rows;
}
