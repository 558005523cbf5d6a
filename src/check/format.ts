/**
 * Number and bound formatting shared by criterion reasons, JUnit and GitHub output, so a
 * value reads the same everywhere.
 */

/** A criterion's bound: an upper limit, or an inclusive band. */
export type Bound = number | { readonly min: number; readonly max: number };

/** Formats a number with at most 4 significant digits; integers stay whole; NaN/±Infinity by name; null as "n/a". */
export function formatNumber(n: number | null): string {
  if (n === null) return 'n/a';
  if (!Number.isFinite(n) || Number.isInteger(n)) return String(n);
  return String(Number(n.toPrecision(4)));
}

/** "≤ 3" for an upper limit, "0–0.5" for a band. */
export function formatBound(bound: Bound): string {
  return typeof bound === 'number' ? `≤ ${formatNumber(bound)}` : `${formatNumber(bound.min)}–${formatNumber(bound.max)}`;
}
