/**
 * numpy's default (linear) percentile, on the host in float64 and in-graph in float32, the
 * latter including one value only known as a tensor (this step's norm) — AutoClip needs
 * "the p-th percentile of the history *plus the current norm*" without a host readback.
 */
import { tf } from '../runtime/tf.js';
import type { Scalar } from '../runtime/tf.js';

/** Where numpy's linear percentile p of n sorted values looks: ranks lo, hi and weight t. */
export function percentileRanks(n: number, p: number): { lo: number; hi: number; t: number } {
  const vi = (n - 1) * (p / 100);
  const lo = Math.floor(vi);
  return { lo, hi: Math.min(lo + 1, n - 1), t: vi - lo };
}

/** numpy's interpolation step, written as numpy does (it differs in the last bit otherwise). */
function lerp(a: number, b: number, t: number): number {
  const d = b - a;
  return t < 0.5 ? a + d * t : b - d * (1 - t);
}

/**
 * `np.percentile(values, p)` with linear interpolation, bit-exact in float64:
 * `vi = (n−1)·p/100`, `lo = floor(vi)`, `hi = min(lo+1, n−1)`, `t = vi − lo`, then
 * `a[lo] + d·t` if t < 0.5 else `a[hi] − d·(1−t)` with `d = a[hi] − a[lo]`.
 * NaN if any value is NaN (as numpy); NaN for an empty list.
 */
export function percentileLinear(values: readonly number[], p: number): number {
  if (values.length === 0 || values.some(Number.isNaN)) return Number.NaN;
  const a = [...values].sort((x, y) => x - y);
  const { lo, hi, t } = percentileRanks(a.length, p);
  return lerp(a[lo] as number, a[hi] as number, t);
}

/**
 * The same percentile over `history ∪ {current}` where `current` is a scalar tensor, in-graph.
 * The k-th order statistic of the union is `max(s[k−1], min(current, s[k]))` for the sorted
 * history s (s[−1] = −inf, s[h] = +inf), so only 4 ops and no sort on the device are needed.
 * NaN in the history or in `current` gives NaN, as numpy.
 */
export function percentileWithCurrent(history: readonly number[], current: Scalar, p: number): Scalar {
  return tf.tidy(() => {
    if (history.some(Number.isNaN)) return tf.add(current, Number.NaN) as Scalar;
    const s = [...history].sort((x, y) => x - y);
    const { lo, hi, t } = percentileRanks(s.length + 1, p);
    const rank = (k: number): Scalar => {
      const below = k === 0 ? -Infinity : (s[k - 1] as number);
      const above = k === s.length ? Infinity : (s[k] as number);
      // tf.minimum/maximum propagate NaN, so a NaN current stays NaN.
      return tf.maximum(tf.minimum(current, above), below) as Scalar;
    };
    const a = rank(lo);
    const b = hi === lo ? a : rank(hi);
    const d = tf.sub(b, a);
    return (t < 0.5 ? tf.add(a, tf.mul(d, t)) : tf.sub(b, tf.mul(d, 1 - t))) as Scalar;
  });
}
