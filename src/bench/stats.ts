/** Small statistics for timings: median and the per-step deltas of a timestamp series. */

/** The median of `xs` (the mean of the middle two for an even count); NaN for an empty list. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Successive differences `t[i] − t[i−1]` of a timestamp series (ms). */
export function deltas(stamps: readonly number[]): number[] {
  return stamps.slice(1).map((t, i) => t - stamps[i]!);
}

/** Rounds to `digits` significant decimals for reports (keeps NaN/null as null). */
export function round(x: number | null | undefined, digits = 3): number | null {
  if (x === null || x === undefined || !Number.isFinite(x)) return null;
  return Number(x.toFixed(digits));
}
