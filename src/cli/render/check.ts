/** `gclip check` output: the criteria table with a verdict line, or the `--json` object. Text only. */
import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';
import { formatBound, VERDICT, type CheckResult } from '../../check/index.js';
import { formatNumber } from '../../format.js';
import { ciSafeJson, neutralizeDeep } from '../../guard/neutralize.js';
import { momentRows } from '../../log/onset.js';

/** What was judged, shown under the table and carried in `--json`. */
export interface CheckSubject {
  /** The log path, or the config that was trained. */
  readonly source: string;
  /** `gclip`, `csv`, `hf` for logs; `run` for a training run. */
  readonly format: string;
  /** Notes from reading the log (rows left out, ...). */
  readonly notes: readonly string[];
}

/** One row per criterion (✔/⚠/✖, name, value, bound, reason), then the notes and the verdict. */
export function renderCheckTable(raw: CheckResult, rawSubject: CheckSubject, c: ChalkInstance): string {
  const [result, subject] = [neutralizeDeep(raw), neutralizeDeep(rawSubject)];
  const table = new Table({
    head: ['', 'criterion', 'value', 'bound', 'reason'].map((h) => c.bold(h)),
    style: { head: [], border: [] },
    wordWrap: true,
    colWidths: [3, null, null, null, 42],
  });
  for (const k of result.criteria) {
    const mark = !k.passed ? c.red('✖') : k.warning ? c.yellow('⚠') : c.green('✔');
    table.push([mark, k.name, formatNumber(k.value, VERDICT), formatBound(k.bound), k.reason]);
  }
  const failed = result.criteria.filter((k) => !k.passed).length;
  const warned = result.criteria.filter((k) => k.warning).length;
  const warnings = warned > 0 ? c.yellow(` (${warned} warning${warned > 1 ? 's' : ''})`) : '';
  const verdict = result.passed
    ? c.green(`✔ check passed: ${result.criteria.length} criteria, ${result.steps} steps`) + warnings
    : c.red(`✖ check failed: ${failed} of ${result.criteria.length} criteria, ${result.steps} steps`);
  const notes = subject.notes.map((n) => c.yellow(`! ${n}`));
  const moments = momentRows(result).map(([k, v]) => `${k}: ${v}`).join('; ');
  return [table.toString(), ...notes, verdict, moments, c.dim(`judged: ${subject.source} (${subject.format})`)].join('\n') + '\n';
}

/**
 * The `--json` object: `passed`, `steps`, `source`, `format`, `notes` and `criteria[]`
 * (`name`, `passed`, `value`, `bound`, `reason`), and the run's moments `onset` (step,
 * signal, layer, ratios, and `batch` when the log names it), `firstNonfiniteStep` and
 * `policyStep`, and `injected` (`[{step, fault}]`, the faults `--inject` planted; [] for a
 * clean run). Non-finite numbers become null, so any
 * JSON reader takes it.
 */
export function renderCheckJson(result: CheckResult, subject: CheckSubject): string {
  const moments = { onset: result.onset, firstNonfiniteStep: result.firstNonfiniteStep, policyStep: result.policyStep, injected: result.injected ?? [] };
  const doc = { passed: result.passed, steps: result.steps, source: subject.source, format: subject.format, notes: subject.notes, criteria: result.criteria, ...moments };
  return ciSafeJson(JSON.stringify(doc, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)) + '\n';
}
