/** Small statistics for timings: the median of samples and the per-step deltas of a timestamp series. */
import { median } from '../stats.js';

/** Median of timing samples (`src/stats` median); NaN, printed as "—", for no samples. */
export function medianMs(samples: readonly number[]): number {
  return median(samples) ?? Number.NaN;
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
