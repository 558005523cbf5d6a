/**
 * The step's update-to-weight signal: the largest per-layer ratio ‖Δw_l‖/‖w_l‖ of a record
 * (`layerUpdateRatios`), shared by the update-ratio detector and the record summary, and
 * the summary's one line of text (train, report).
 */
import { formatNumber } from '../format.js';

/** The largest finite ratio of `ratios` and its layer, or null when none is finite (or the record has none). */
export function largestUpdateRatio(ratios: Readonly<Record<string, number>> | undefined): { readonly ratio: number; readonly layer: string } | null {
  let best: { ratio: number; layer: string } | null = null;
  for (const layer in ratios) {
    const ratio = ratios[layer]!;
    if (Number.isFinite(ratio) && (best === null || ratio > best.ratio)) best = { ratio, layer };
  }
  return best;
}

/** `median / max at step K (layer)`, the summary line of the steps' largest update ratios. */
export function updateRatioText(u: { readonly median: number; readonly max: number; readonly maxStep: number; readonly layer: string }): string {
  return `${formatNumber(u.median)} / ${formatNumber(u.max)} at step ${u.maxStep} (${u.layer})`;
}
