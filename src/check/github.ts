/**
 * GitHub Actions output for `gclip check` under `GITHUB_ACTIONS=true`: workflow commands
 * (`::error title=...::message`) and a Markdown table for `$GITHUB_STEP_SUMMARY`. Builders
 * only: they return strings, the CLI prints them and appends the summary.
 */
import { neutralize } from '../guard/neutralize.js';
import type { CheckResult } from './criteria.js';
import { formatNumber } from '../format.js';
import { momentRows, onsetText } from '../log/onset.js';
import { stepNamer } from '../log/injected.js';
import { formatBound, VERDICT } from './format.js';

/** Escapes a command's message. Matches actions/toolkit `packages/core/src/command.ts` `escapeData`. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a command property value: as `escapeData`, plus `:` and `,`. Matches toolkit `escapeProperty`. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** Annotation properties the runner understands (`title`, `file`, `line`, `endLine`, `col`, `endColumn`). */
export type CommandProperties = Readonly<Record<string, string | number | undefined>>;

/**
 * One workflow command line, `::command key=value,key=value::message`, built as toolkit's
 * `Command.toString`: properties with empty/undefined values are dropped (a space still
 * follows the command when any property key was given, as in toolkit), numbers are
 * stringified, property values and the message are escaped.
 */
export function workflowCommand(command: string, message: string, properties: CommandProperties = {}): string {
  let out = `::${command}`;
  const keys = Object.keys(properties);
  if (keys.length > 0) {
    const parts = keys.flatMap((k) => {
      const v = properties[k];
      return v === undefined || v === '' || v === 0 ? [] : [`${k}=${escapeProperty(neutralize(String(v)))}`];
    });
    out += ` ${parts.join(',')}`;
  }
  return `${out}::${escapeData(neutralize(message))}`;
}

/** Options for `annotations`. */
export interface AnnotationOptions {
  /** The judged log file, attached to every annotation. */
  readonly file?: string;
  /** Notes from reading the log, emitted as warnings. */
  readonly notes?: readonly string[];
}

/**
 * Workflow commands for a result: one `::error` per failed criterion (title
 * `gclip check: <name>`, message = reason), one `::warning` per warning criterion and per
 * note. Other passing criteria produce nothing. A run with an onset gets one more annotation naming it (step, signal,
 * blamed layer; an error when the check failed, else a warning).
 */
export function annotations(result: CheckResult, options: AnnotationOptions = {}): string[] {
  const errors = result.criteria
    .filter((c) => !c.passed)
    .map((c) => workflowCommand('error', c.reason, { title: `gclip check: ${c.name}`, file: options.file }));
  const warned = result.criteria
    .filter((c) => c.warning)
    .map((c) => workflowCommand('warning', c.reason, { title: `gclip check: ${c.name}`, file: options.file }));
  const warnings = (options.notes ?? []).map((n) => workflowCommand('warning', n, { title: 'gclip check: log', file: options.file }));
  const onset = result.onset === null ? [] : [workflowCommand(result.passed ? 'warning' : 'error', `onset ${onsetText(result.onset, stepNamer(result.injected ?? []))}`, { title: 'gclip check: onset', file: options.file })];
  return [...errors, ...onset, ...warned, ...warnings];
}

/** Escapes a Markdown table cell: `|` and backslash are escaped, newlines become `<br>`, `<`/`&` become entities. */
export function markdownCell(text: string): string {
  return neutralize(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n|\r/g, '<br>');
}

/**
 * Markdown for `$GITHUB_STEP_SUMMARY`: a heading with the verdict and a table with one row
 * per criterion (result, measured value, bound, reason). Ends with a newline so appends
 * from several steps stay separate.
 */
export function stepSummary(result: CheckResult, title = 'gclip check'): string {
  const failed = result.criteria.filter((c) => !c.passed).length;
  const verdict = result.passed ? '✅ passed' : `❌ failed (${failed} of ${result.criteria.length} criteria)`;
  const rows = result.criteria.map((c) =>
    [c.name, !c.passed ? '❌ fail' : c.warning ? '⚠️ warning' : '✅ pass', formatNumber(c.value, VERDICT), formatBound(c.bound), c.reason].map(markdownCell).join(' | '),
  );
  return [
    `### ${markdownCell(title)}: ${verdict}`,
    '',
    `${result.steps} steps judged. ${momentRows(result).map(([k, v]) => `${k}: ${markdownCell(v)}`).join('; ')}.`,
    '',
    '| Criterion | Result | Value | Bound | Reason |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r} |`),
    '',
  ].join('\n');
}
