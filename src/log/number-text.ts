/**
 * Numbers written as text (CSV cells, flag values): one parser, so every reader accepts
 * the same spellings. JSON numbers go through `log/codec` instead.
 */

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

// A Map, not an object literal: a cell reading "constructor" must not find Object's.
const NAMED: ReadonlyMap<string, number> = new Map([
  ['nan', Number.NaN],
  ['inf', Number.POSITIVE_INFINITY],
  ['+inf', Number.POSITIVE_INFINITY],
  ['infinity', Number.POSITIVE_INFINITY],
  ['+infinity', Number.POSITIVE_INFINITY],
  ['-inf', Number.NEGATIVE_INFINITY],
  ['-infinity', Number.NEGATIVE_INFINITY],
]);

/**
 * Decimal or exponent notation (`1`, `-.5`, `2e-3`, `+1.5E4`) → the number, after trimming
 * whitespace; anything else (`0x10`, `1,5`, `1_000`, `''`, `nan`) → null. Stricter than
 * `Number()`, which takes hex, binary and the empty string.
 */
export function parseDecimal(text: string): number | null {
  const t = text.trim();
  return DECIMAL.test(t) ? Number(t) : null;
}

/**
 * A CSV cell as a number: `parseDecimal`, or nan/inf/infinity in any case, signed or not
 * (Python writes `nan` and `inf`). Empty → undefined (a sparse row); anything else → null.
 */
export function parseNumberCell(text: string): number | null | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  return NAMED.get(t.toLowerCase()) ?? parseDecimal(t);
}
