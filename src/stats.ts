/**
 * Order statistics and the mean of plain number arrays (host arithmetic, float64): the one
 * implementation behind the detectors, `check`, `report`, the run summary, the sweep and
 * the bench.
 *
 * One rule for every function here: an empty input gives null (there is nothing to
 * measure), and a NaN anywhere in the input gives NaN (as numpy's `median`, `percentile`
 * and `mean`). ±Infinity are ordinary values that sort to the ends. A caller that wants
 * another treatment says so where it calls: it keeps the finite values, maps NaN to
 * +Infinity (a broken sweep seed counts as the worst), or turns null into NaN. Inputs are
 * never reordered.
 */

/** Consistency constant that makes 1.4826·MAD estimate σ for normal data. */
export const MAD_TO_SIGMA = 1.4826;

/** Ascending copy, by `a − b` (a stable sort, so ±0 keep their input order). */
function ascending(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/**
 * Median of a non-empty ascending array: the middle value, or the mean of the two middle
 * values, (a + b) / 2, for an even length (numpy's `median`). No checks: the caller
 * guarantees order and length (the spike detector keeps its window sorted).
 */
export function medianOfSorted(sorted: ArrayLike<number>): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Median (see `medianOfSorted`). Null for no values, NaN when any value is NaN.
 *
 * Differs from `percentile(values, 50)` in the last bit at most: that one interpolates,
 * a + (b − a) · 0.5, and the run summary reports it as its "median" (numpy's
 * `percentile(x, 50)` differs from its `median(x)` the same way).
 */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  if (values.some(Number.isNaN)) return Number.NaN;
  return medianOfSorted(ascending(values));
}

/**
 * Percentile `q` in [0, 100] by linear interpolation between order statistics (numpy's
 * default method): with the values ascending and rank = q/100 · (n − 1), the value is
 * s[⌊rank⌋] + (s[⌊rank⌋ + 1] − s[⌊rank⌋]) · (rank − ⌊rank⌋), and exactly s[rank] at a whole
 * rank (so an infinite order statistic is returned as such, not as ∞ − ∞). Null for no
 * values, NaN when any value is NaN.
 *
 * @example
 * percentile([4, 1, 3, 2], 90); // rank 2.7 → 3 + 0.7 · (4 − 3) = 3.7
 */
export function percentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  if (values.some(Number.isNaN)) return Number.NaN;
  const sorted = ascending(values);
  const pos = ((sorted.length - 1) * q) / 100;
  const lo = Math.floor(pos);
  if (pos === lo) return sorted[lo]!;
  return sorted[lo]! + (sorted[lo + 1]! - sorted[lo]!) * (pos - lo);
}

/**
 * Median absolute deviation from `center`: median(|v − center|). Multiply by
 * `MAD_TO_SIGMA` to estimate σ. Null for no values, NaN when any value (or `center`) is NaN.
 */
export function mad(values: readonly number[], center: number): number | null {
  return median(values.map((v) => Math.abs(v - center)));
}

/** Arithmetic mean, summed left to right. Null for no values, NaN when any value is NaN. */
export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
