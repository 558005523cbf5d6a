/**
 * Downsampling that keeps spikes: a long series is cut into equal buckets of consecutive
 * points and each bucket keeps its extremes, so a one-step spike survives however many
 * steps are drawn per pixel (the "min/max per bucket" or M4 idea, without the first/last
 * points, which a line chart at this density does not need).
 */

/**
 * Indices of `values` to draw in `buckets` columns. Per bucket: the index of the smallest
 * and of the largest finite value, and of the first non-finite value (so NaN/±Infinity
 * stays visible as a gap or marker). Returned ascending and unique.
 *
 * Edge cases: `values.length <= 2 * buckets` keeps every index; `buckets < 1` is taken as 1;
 * an all-non-finite bucket keeps just its first index. Cost O(n).
 */
export function minMaxIndices(values: ArrayLike<number>, buckets: number): number[] {
  const n = values.length;
  const b = Math.max(1, Math.floor(buckets));
  if (n <= 2 * b) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let k = 0; k < b; k++) {
    const start = Math.floor((k * n) / b);
    const end = Math.floor(((k + 1) * n) / b);
    let lo = -1, hi = -1, bad = -1;
    for (let i = start; i < end; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) {
        if (bad < 0) bad = i;
      } else {
        if (lo < 0 || v < values[lo]!) lo = i;
        if (hi < 0 || v > values[hi]!) hi = i;
      }
    }
    for (const i of [lo, hi, bad].filter((i) => i >= 0).sort((x, y) => x - y)) {
      if (out.at(-1) !== i) out.push(i);
    }
  }
  return out;
}

/** The sorted union of index lists over `0..n-1`. O(n + total length). */
export function unionIndices(n: number, lists: readonly (readonly number[])[]): number[] {
  const mark = new Uint8Array(n);
  for (const list of lists) for (const i of list) mark[i] = 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (mark[i]) out.push(i);
  return out;
}

/** How `bucketReduce` folds a column. */
export type BucketFold = 'max' | 'min' | 'last';

/**
 * Reduces `values` to exactly `width` columns (fewer when there are fewer values): each
 * column folds its bucket's finite values with `fold`. A column with no finite value is
 * NaN. Terminal charts use `max` for norms so a one-step spike still reaches its column.
 */
export function bucketReduce(values: ArrayLike<number>, width: number, fold: BucketFold): number[] {
  const n = values.length;
  const w = Math.max(1, Math.min(n, Math.floor(width)));
  const out: number[] = [];
  for (let k = 0; k < w; k++) {
    const start = Math.floor((k * n) / w);
    const end = Math.floor(((k + 1) * n) / w);
    let acc = Number.NaN;
    for (let i = start; i < end; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) continue;
      if (Number.isNaN(acc) || fold === 'last' || (fold === 'max' ? v > acc : v < acc)) acc = v;
    }
    out.push(acc);
  }
  return out;
}

/** The column (0-based) that index `i` of `n` values falls in when drawn in `width` columns. */
export function columnOf(i: number, n: number, width: number): number {
  const w = Math.max(1, Math.min(n, Math.floor(width)));
  // Bucket k starts at floor(k·n/w), so i is in the largest k with k·n < (i + 1)·w.
  return Math.min(w - 1, Math.floor(((i + 1) * w - 1) / n));
}
