/** When a chart's y axis is logarithmic: one rule for run and sweep charts, terminal and HTML. */

/** max/min ratio of positive finite values above which a series is drawn on a log scale. */
export const LOG_SPAN = 1000;

/** True when every finite value is > 0 and max/min exceeds `LOG_SPAN`. */
export function wantsLogScale(values: ArrayLike<number>): boolean {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v <= 0) return false;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return hi / lo > LOG_SPAN;
}
