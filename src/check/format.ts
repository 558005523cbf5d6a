/**
 * How verdicts write numbers and bounds, shared by criterion reasons, the table, JUnit and
 * GitHub output, so a value reads the same everywhere.
 */
import { formatNumber, type NumberStyle } from '../format.js';

/** A criterion's bound: an upper limit, an inclusive band, or null for a warning-only criterion. */
export type Bound = number | { readonly min: number; readonly max: number } | null;

/** Verdict notation: at most 4 significant digits, integers whole, null as "n/a". */
export const VERDICT: NumberStyle = { notation: 'plain', missing: 'n/a' };

/** "≤ 3" for an upper limit, "0–0.5" for a band, "not judged" for none. */
export function formatBound(bound: Bound): string {
  const f = (n: number): string => formatNumber(n, VERDICT);
  if (bound === null) return 'not judged';
  return typeof bound === 'number' ? `≤ ${f(bound)}` : `${f(bound.min)}–${f(bound.max)}`;
}
