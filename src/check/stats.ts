/**
 * Host statistics over step records for `gclip check`: percentiles, and spike and
 * divergence detection run on the records themselves, so a log written by another
 * framework (no events) is judged by the same rules as a gclip run. Pure functions.
 */
import type { StepRecord } from '../record.js';
import type { CheckDetection } from './schema.js';

/** MAD → standard deviation for normal data (1 / Φ⁻¹(3/4)). */
const MAD_TO_SD = 1.4826;

/**
 * The `p`-th percentile (0–100) of `values` by linear interpolation between order
 * statistics: rank = p/100 · (n − 1) (numpy's default `linear`, R type 7).
 * Returns null for an empty list. Callers filter out non-finite values first.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (Math.min(Math.max(p, 0), 100) / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (rank - lo);
}

/** Median (the 50th percentile as above); null for an empty list. */
export function median(values: readonly number[]): number | null {
  return percentile(values, 50);
}

/** A record flagged by record-based detection. */
export interface SpikeHit {
  readonly step: number;
  readonly preClipNorm: number;
  readonly median: number;
  readonly z: number;
}

/**
 * Spikes in the pre-clip norm: a record whose norm g has robust z-score
 * z = (g − m) / (1.4826 · MAD) > zThreshold and g > minRatio · m, where m and MAD are the
 * median and median absolute deviation of the previous `window` finite norms. Needs
 * `warmup` finite norms first. MAD = 0 (a flat history) gives z = +∞ for any g > m, so the
 * ratio test alone decides. Non-finite norms are skipped (the nonfinite criterion counts
 * them) and never enter the history.
 */
export function detectSpikes(records: readonly StepRecord[], opts: CheckDetection['spike']): SpikeHit[] {
  const hits: SpikeHit[] = [];
  const history: number[] = [];
  for (const r of records) {
    const g = r.preClipNorm;
    if (!Number.isFinite(g)) continue;
    if (history.length >= opts.warmup) {
      const recent = history.slice(-opts.window);
      const m = median(recent) as number;
      const mad = median(recent.map((h) => Math.abs(h - m))) as number;
      const z = mad > 0 ? (g - m) / (MAD_TO_SD * mad) : g > m ? Number.POSITIVE_INFINITY : 0;
      if (z > opts.zThreshold && g > opts.minRatio * m) hits.push({ step: r.step, preClipNorm: g, median: m, z });
    }
    history.push(g);
  }
  return hits;
}

/** The onset of one divergence episode. */
export interface DivergenceHit {
  readonly step: number;
  readonly loss: number;
  readonly bestLoss: number;
}

/**
 * Divergence: after `warmup` records, a loss L with L > factor · best and L > first loss
 * (best = lowest finite loss so far) for `patience` consecutive records. Reports the record
 * at which patience is reached, once per episode; the episode ends when the loss falls back.
 * +Infinity counts as diverged; NaN neither counts nor breaks a streak (the nonfinite
 * criterion owns it). Meant for non-negative losses.
 */
export function detectDivergence(records: readonly StepRecord[], opts: CheckDetection['divergence']): DivergenceHit[] {
  const hits: DivergenceHit[] = [];
  let best = Number.POSITIVE_INFINITY;
  let first: number | null = null;
  let streak = 0;
  records.forEach((r, i) => {
    const loss = r.loss;
    if (Number.isNaN(loss)) return;
    const diverged = i >= opts.warmup && first !== null && loss > opts.factor * best && loss > first;
    streak = diverged ? streak + 1 : 0;
    if (streak === opts.patience) hits.push({ step: r.step, loss, bestLoss: best });
    if (Number.isFinite(loss)) {
      first ??= loss;
      best = Math.min(best, loss);
    }
  });
  return hits;
}
