/**
 * Gradient histograms in TensorFlow's default bucket layout, so TensorBoard draws them as
 * it draws `tf.summary.histogram` output from TF1-style writers.
 */
import type { TbHistogram } from './proto.js';

/** Largest finite double (C's DBL_MAX), the outermost bucket limits. */
const DBL_MAX = Number.MAX_VALUE;

/**
 * TensorFlow's default bucket limits (`tsl/lib/histogram/histogram.cc`,
 * `InitDefaultBuckets`): positive limits `v_k = 1e-12 · 1.1^k` (by repeated
 * multiplication, as TF does) while `v_k < 1e20`, then DBL_MAX; mirrored negatives; and 0.
 * Sorted ascending: −DBL_MAX, …, −1e-12, 0, 1e-12, …, DBL_MAX (1549 limits).
 */
export function defaultBucketLimits(): number[] {
  const positive: number[] = [];
  for (let v = 1e-12; v < 1e20; v *= 1.1) positive.push(v);
  positive.push(DBL_MAX);
  const negative = positive.map((v) => -v).reverse();
  return [...negative, 0, ...positive];
}

const DEFAULT_LIMITS: readonly number[] = defaultBucketLimits();

/** Index of the first limit strictly greater than `value` (C++ `std::upper_bound`). */
function upperBound(limits: readonly number[], value: number): number {
  let lo = 0;
  let hi = limits.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((limits[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Builds a `HistogramProto` from values, matching TensorFlow's `Histogram::Add` followed by
 * `EncodeToProto(preserve_zero_buckets=false)`: value `x` counts in the bucket whose limit
 * is the first one > x; each run of empty buckets collapses into one empty bucket ending
 * at the run's last limit. min, max, num, sum and sumSquares are float64 accumulations.
 *
 * Edge cases: NaN and ±Infinity are left out of every field (TensorFlow's summary op
 * rejects them; count them with `countNonFinite`). With no finite values the result is
 * TensorFlow's empty histogram: num 0, min DBL_MAX, max −DBL_MAX, and the single bucket
 * `[DBL_MAX] → [0]`.
 */
export function buildHistogram(values: ArrayLike<number>): TbHistogram {
  const counts = new Float64Array(DEFAULT_LIMITS.length);
  let min = DBL_MAX;
  let max = -DBL_MAX;
  let num = 0;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number;
    if (!Number.isFinite(x)) continue;
    // x = DBL_MAX has no limit above it; TF would index past the end, we use the last bucket.
    counts[Math.min(upperBound(DEFAULT_LIMITS, x), counts.length - 1)]! += 1;
    if (x < min) min = x;
    if (x > max) max = x;
    num += 1;
    sum += x;
    sumSquares += x * x;
  }
  return { min, max, num, sum, sumSquares, ...collapseEmptyRuns(counts) };
}

/** The bucket arrays of `EncodeToProto` with `preserve_zero_buckets = false`. */
function collapseEmptyRuns(counts: Float64Array): { bucketLimit: number[]; bucket: number[] } {
  const bucketLimit: number[] = [];
  const bucket: number[] = [];
  for (let i = 0; i < counts.length; ) {
    let end = DEFAULT_LIMITS[i] as number;
    const count = counts[i] as number;
    i++;
    if (count <= 0) {
      while (i < counts.length && (counts[i] as number) <= 0) end = DEFAULT_LIMITS[i++] as number;
    }
    bucketLimit.push(end);
    bucket.push(count);
  }
  return { bucketLimit, bucket };
}

/** Number of NaN or ±Infinity entries, the values `buildHistogram` leaves out. */
export function countNonFinite(values: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i] as number)) n++;
  return n;
}
