/** Number formatting shared by the terminal renderers and the HTML report. */

/**
 * 4 significant digits, plain for mid-range values, exponent for tiny/huge magnitudes
 * (|x| ≥ 1e5 or < 1e-3); NaN/±Infinity by name; null/undefined → '—'.
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
