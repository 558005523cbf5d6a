/**
 * Order statistics of the spike detector's rolling window without sorting it every step
 * (issue #9: two sorts of a 50-norm window were ~12 µs of the MLP's per-step overhead).
 *
 * The detector's state keeps its window as a plain array, oldest first. Beside it, this
 * module keeps the same values in ascending order, in a WeakMap keyed by the window array,
 * and derives the next window's sorted copy by one removal and one insertion (O(n) moves,
 * no comparator calls). The order is exactly what a stable `sort((a, b) => a − b)` of the
 * window gives: equal values (only ±0 are equal yet distinguishable) stay in window order,
 * because the removed value is the first of its equals (the oldest) and the inserted one
 * goes after its equals (the newest). A window the cache has not seen (a state built
 * elsewhere) is sorted once.
 */

const sortedOf = new WeakMap<readonly number[], Float64Array>();
const EMPTY = new Float64Array(0);

/** Ascending copy of `window` (cached; do not modify the result). */
export function sortedWindow(window: readonly number[]): Float64Array {
  let sorted = sortedOf.get(window);
  if (sorted === undefined) {
    sorted = Float64Array.from([...window].sort((a, b) => a - b));
    // A NaN makes the comparator inconsistent: such a window is sorted afresh every time.
    if (!sorted.some(Number.isNaN)) sortedOf.set(window, sorted);
  }
  return sorted;
}

/** First index whose value is ≥ x (a − b ≥ 0 order). */
function lowerBound(s: Float64Array, n: number, x: number): number {
  let lo = 0, hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose value is > x. */
function upperBound(s: Float64Array, n: number, x: number): number {
  let lo = 0, hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * `[...window, value].slice(-size)` for an integer `size ≥ 1` and finite values, with its
 * sorted copy registered when `window`'s is known, so the next `sortedWindow` is a lookup.
 */
export function pushWindow(window: readonly number[], value: number, size: number): number[] {
  const drop = Math.max(0, window.length + 1 - size);
  // Sized once (slice-then-push would grow the copy's backing store every step).
  const last = window.length - drop;
  const next = new Array<number>(last + 1);
  for (let k = 0; k < last; k++) next[k] = window[drop + k]!;
  next[last] = value;
  if (drop <= 1) {
    const prev = window.length === 0 ? EMPTY : sortedOf.get(window);
    if (prev !== undefined) {
      const sorted = new Float64Array(next.length);
      let n = prev.length;
      sorted.set(prev);
      if (drop === 1) {
        const at = lowerBound(sorted, n, window[0]!);
        sorted.copyWithin(at, at + 1, n);
        n--;
      }
      const at = upperBound(sorted, n, value);
      sorted.copyWithin(at + 1, at, n);
      sorted[at] = value;
      sortedOf.set(next, sorted);
    }
  }
  return next;
}

/**
 * `mad(values, center)` of `src/stats` from the ascending copy of `values`: the deviations
 * |v − center| below and above `center` are two ascending runs (subtraction rounds
 * monotonically), so their middle order statistics come from merging the runs up to the
 * middle. Same result bit for bit (`src/stats.test.ts` compares them).
 */
export function madOfSorted(s: Float64Array, center: number): number {
  const n = s.length;
  const mid = n >> 1;
  let left = lowerBound(s, n, center) - 1; // walks down: values < center
  let right = left + 1; // walks up: values ≥ center
  let prev = 0, cur = 0;
  for (let k = 0; k <= mid; k++) {
    prev = cur;
    if (right >= n || (left >= 0 && Math.abs(s[left]! - center) < Math.abs(s[right]! - center))) {
      cur = Math.abs(s[left]! - center);
      left--;
    } else {
      cur = Math.abs(s[right]! - center);
      right++;
    }
  }
  return n % 2 === 1 ? cur : (prev + cur) / 2;
}
