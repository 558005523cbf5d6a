/**
 * The summary table of a report as label/value text pairs, shared by the terminal and the
 * HTML report so both show the same facts in the same words.
 */
import { formatNumber, formatPercent } from '../../format.js';
import type { RunReportSummary } from './report.js';
import { BY_DESIGN_CLIP_RATE, lossSpikesRow, MAX_GRAD_NORM_HINT, momentRows, stepNamer } from '../../log/index.js';
import { updateRatioText } from '../../log/update-ratio.js';

export { formatNumber, formatPercent };

/** The share of clipped steps, with why it is unknown or set by the strategy (the words check uses). */
function clipRateText(s: RunReportSummary): string {
  if (s.clipping === 'unknown') return `unknown: the log's norms are pre-clip; ${MAX_GRAD_NORM_HINT}`;
  return s.clipping === 'by-design' ? `${formatPercent(s.clipRate)} (${BY_DESIGN_CLIP_RATE})` : formatPercent(s.clipRate);
}

/** The summary rows, in display order. `status` leads when summary.json was read. */
export function summaryRows(s: RunReportSummary): [string, string][] {
  const f = formatNumber;
  const events = Object.entries(s.events).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  const t = s.threshold;
  const at = stepNamer(s.injected);
  const rows: [string, string][] = [
    ['steps', `${s.steps} (step ${s.firstStep} → ${s.lastStep})`],
    ['final loss', f(s.finalLoss)],
    ['best loss', s.bestLoss ? `${f(s.bestLoss.value)} at step ${s.bestLoss.step}` : '—'],
    ['pre-clip norm median / p90', `${f(s.preClipNorm.median)} / ${f(s.preClipNorm.p90)}`],
    ['pre-clip norm max', s.preClipNorm.max === null ? '—' : `${f(s.preClipNorm.max)} at ${at(s.preClipNorm.maxStep!)}`],
    ['post-clip norm max', s.clipping === 'unknown' ? 'unknown' : f(s.postClipNormMax)],
    ['threshold', t ? (t.min === t.max ? f(t.min) : `${f(t.min)} – ${f(t.max)}`) : 'none'],
    ['steps clipped', clipRateText(s)],
    ...(s.updateRatio ? [['update/weight ratio median / max', updateRatioText(s.updateRatio)] as [string, string]] : []),
    ['steps skipped / non-finite', `${s.skippedSteps} / ${s.nonfiniteSteps}`],
    ...(s.rollbacks > 0 ? [['rollbacks', String(s.rollbacks)] as [string, string]] : []),
    ['events', events],
    ...(s.lossSpikes.length > 0 ? [['loss spikes', lossSpikesRow(s.lossSpikes, at)] as [string, string]] : []),
    ...momentRows({ onset: s.onset, firstNonfiniteStep: s.firstNonfiniteStep, policyStep: s.outcome?.policyStep ?? s.firstSkippedStep, injected: s.injected }),
  ];
  if (s.outcome) rows.unshift(['status', s.outcome.reason ? `${s.outcome.status}: ${s.outcome.reason}` : s.outcome.status]);
  rows.push(...(s.outcome?.settings ?? []).map(([k, v]): [string, string] => [k, v]));
  rows.push(...(s.outcome?.hints ?? []).map((h): [string, string] => ['hint', h]));
  return rows;
}
