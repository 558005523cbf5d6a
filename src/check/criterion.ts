/**
 * One criterion's verdict and the helpers every criterion builds it with, shared by the
 * criteria of `criteria.ts` and those kept in their own modules (loss spikes, update ratio).
 */
import { formatNumber } from '../format.js';
import type { RunEvent, StepRecord } from '../record.js';
import { formatBound, VERDICT, type Bound } from './format.js';

/** One criterion's verdict. `value` is null when it could not be measured (then it fails). */
export interface CriterionResult {
  /** Stable snake_case name: `nonfinite`, `loss_ratio`, `grad_norm_p99`, ... */
  readonly name: string;
  readonly passed: boolean;
  readonly value: number | null;
  /** The bound judged against; null for a warning-only criterion (not judged). */
  readonly bound: Bound;
  /** One line: the measured value and the bound, and on failure where it went wrong. */
  readonly reason: string;
  /**
   * Present (true) on a passing criterion that found something worth a look without being
   * judged on it (a loss spike with `check.maxLossSpikes` unset): the table marks it ⚠,
   * JUnit carries it in the test case's system-out, annotations make it a `::warning`.
   */
  readonly warning?: true;
}

/** A number as verdicts write it (see `VERDICT`). */
export const fmt = (n: number | null): string => formatNumber(n, VERDICT);

/** Words a step in a reason: `step 20`, or `step 20 (injected nan@20)` (see `stepNamer`). */
export type StepText = (step: number) => string;

/** Builds an upper-limit result: passes when value ≤ bound; null value fails. */
export function atMost(name: string, value: number | null, bound: number, describe: (ok: boolean) => string): CriterionResult {
  const passed = value !== null && value <= bound;
  return { name, passed, value, bound, reason: `${describe(passed)} (bound ${formatBound(bound)})` };
}

/**
 * A criterion left unjudged (its bound unset) that still has something to show: passes,
 * carries `warning`, and says how to gate on it.
 */
export function warningOnly(name: string, value: number | null, text: string, setting: string): CriterionResult {
  return { name, passed: true, value, bound: null, reason: `${text}; a warning, not judged (set ${setting} to gate on it)`, warning: true };
}

/** The events of `kind` in the records, in step order. */
export function eventsOf<E extends RunEvent>(records: readonly StepRecord[], kind: E['kind']): E[] {
  return records.flatMap((r) => r.events.filter((e): e is E => e.kind === kind));
}
