/**
 * A named batch in words, the same in every surface (train summary, report, check):
 * compact, so a 512-row batch stays one line.
 */
import type { BlamedBatch } from './schema.js';

/** Ranges and single numbers shown before a list is cut. */
export const SHOWN_PARTS = 8;

/**
 * Sorted, de-duplicated `numbers` as ranges ("120–151") and single numbers, at most
 * `max` parts, then "… +N more" counting the numbers left out.
 *
 * @example
 * compactNumbers([5, 3, 4, 9, 1]); // "1, 3–5, 9"
 */
export function compactNumbers(numbers: readonly number[], max = SHOWN_PARTS): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const parts: [number, number][] = [];
  for (const n of sorted) {
    const last = parts[parts.length - 1];
    if (last && n === last[1] + 1) last[1] = n;
    else parts.push([n, n]);
  }
  const shown = parts.slice(0, max).map(([a, b]) => (a === b ? String(a) : `${a}–${b}`));
  const left = parts.slice(max).reduce((sum, [a, b]) => sum + b - a + 1, 0);
  return left > 0 ? `${shown.join(', ')}, … +${left} more` : shown.join(', ');
}

/**
 * The batch in words: the data file's lines (CSV) or records (JSON) when known, else the
 * training-split indices, with the row count.
 *
 * @example
 * batchText({ step: 8, indices: [3, 1], file: 'd.csv', lines: [122, 10] }); // "step 8: lines 10, 122 of d.csv (2 rows)"
 */
export function batchText(batch: BlamedBatch): string {
  const n = batch.indices.length;
  const rows = `${n} row${n === 1 ? '' : 's'}`;
  if (batch.lines) return `step ${batch.step}: lines ${compactNumbers(batch.lines)} of ${batch.file ?? 'the data file'} (${rows})`;
  if (batch.records) return `step ${batch.step}: records ${compactNumbers(batch.records)} of ${batch.file ?? 'the data file'} (${rows}, 0-based)`;
  return `step ${batch.step}: training-split indices ${compactNumbers(batch.indices)} (${rows})`;
}
