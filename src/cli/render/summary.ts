/** The final run summary as a table (cli-table3) with a status line. Text only. */
import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';
import type { RunSummary } from '../../record.js';
import { neutralizeDeep } from '../../guard/neutralize.js';
import { num, pct } from './format.js';
import { momentRows } from '../../log/onset.js';
import { settingRows } from '../../log/settings.js';
import { updateRatioText } from '../../log/update-ratio.js';
import { lossSpikesRow } from '../../log/loss-spike.js';
import { stepNamer } from '../../log/injected.js';

/** Widths of the two columns: the longest label (32) + padding, and what keeps the table within 80 columns. */
const SUMMARY_WIDTHS = [34, 42];

function statusLine(s: RunSummary, c: ChalkInstance): string {
  if (s.status === 'ok') return c.green('✔ stable');
  const label = s.status === 'halted' ? '✖ halted' : s.status === 'interrupted' ? '✖ interrupted' : '✖ unstable';
  const moments = momentRows(s).map(([k, v]) => `\n  ${k}: ${v}`).join('');
  return c.red(label) + (s.reason ? `: ${s.reason}` : '') + moments;
}

function eventsText(events: RunSummary['events']): string {
  const parts = Object.entries(events).map(([k, n]) => `${k} ${n}`);
  return parts.length ? parts.join(', ') : 'none';
}

/** Renders the summary table followed by the status line and the run directory. */
export function renderRunSummary(summary: RunSummary, c: ChalkInstance): string {
  const s = neutralizeDeep(summary);
  // No rule between rows: a key/value summary reads better dense.
  const table = new Table({ style: { head: [], border: [] }, colWidths: SUMMARY_WIDTHS, wordWrap: true, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
  const rows: [string, string][] = [
    ['steps', String(s.steps)],
    ['final loss', num(s.finalLoss)],
    ['best loss', num(s.bestLoss)],
    ...(s.finalValLoss !== null ? [['final validation loss', num(s.finalValLoss)] as [string, string]] : []),
    ['pre-clip norm median / p90 / max', `${num(s.preClipNorm.median)} / ${num(s.preClipNorm.p90)} / ${num(s.preClipNorm.max)}`],
    ['steps clipped', pct(s.clipRate)],
    ...(s.updateRatio ? [['update/weight ratio median / max', updateRatioText(s.updateRatio)] as [string, string]] : []),
    ['steps skipped', String(s.skippedSteps)],
    ...(s.rollbacks > 0 ? [['rollbacks', String(s.rollbacks)] as [string, string]] : []),
    ['events', eventsText(s.events)],
    ...(s.lossSpikes ? [['loss spikes', lossSpikesRow(s.lossSpikes, stepNamer(s.injected ?? []))] as [string, string]] : []),
    ...(s.settings ? settingRows(s.settings) : []),
    ['backend', s.backend],
    ['steps/s', num(s.stepsPerSec, { digits: 3 })],
  ];
  table.push(...rows.map(([k, v]) => ({ [c.bold(k)]: v })));
  const dir = s.runDir ? `\n${c.dim(`run directory: ${s.runDir}`)}` : '';
  const hints = s.hints.map((h) => `\n${c.yellow(`hint: ${h}`)}`).join('');
  return `${table.toString()}\n${statusLine(s, c)}${hints}${dir}\n`;
}
