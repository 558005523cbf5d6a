/**
 * The number formatter of every text gclip writes: terminal tables and charts, the HTML
 * report, the sweep recommendation and the `check` verdicts. One function; the notation
 * differs by what the text is for (see `NumberStyle`).
 */

/** How `formatNumber` writes a number. Every field is optional. */
export interface NumberStyle {
  /** Significant digits (default 4). */
  readonly digits?: number;
  /**
   * `scaled` (default, for tables and charts): exponent form for |x| ≥ 1e5 or < 1e-3
   * ("1.235e+5"), else the rounded value ("0.1235"). `plain` (for verdicts that quote a
   * measured value or a bound): integers below 1e6 whole ("123456"), other values rounded
   * and written as JavaScript writes them ("0.0001235", "1.235e-7"), and |x| ≥ 1e6 in
   * exponent form ("4.995e+13") so a huge loss never prints as fourteen digits.
   */
  readonly notation?: 'scaled' | 'plain';
  /** Text for null and undefined (default '—'). */
  readonly missing?: string;
}

/**
 * A number as text, rounded to `style.digits` significant digits (trailing zeros
 * dropped) in `style.notation`. NaN and ±Infinity by name; null/undefined as
 * `style.missing`.
 *
 * @example
 * formatNumber(0.000123456); // '1.235e-4'
 * formatNumber(123456, { notation: 'plain', missing: 'n/a' }); // '123456'
 */
export function formatNumber(x: number | null | undefined, style: NumberStyle = {}): string {
  const { digits = 4, notation = 'scaled', missing = '—' } = style;
  if (x === null || x === undefined) return missing;
  if (!Number.isFinite(x)) return String(x);
  if (notation === 'plain' && Math.abs(x) >= 1e6) return compactExponent(x, digits);
  if (notation === 'plain') return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(digits)));
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1e5 || abs < 1e-3) return compactExponent(x, digits);
  return Number(x.toPrecision(digits)).toString();
}

/** A fraction as a percentage with one decimal. */
export function formatPercent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** Exponent form without trailing zeros in the mantissa: 1e+5, 4.995e+13. */
function compactExponent(x: number, digits: number): string {
  const [mantissa, exponent] = x.toExponential(digits - 1).split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa}e${exponent}`;
}
