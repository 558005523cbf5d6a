/**
 * Update-ratio detector (issue #20): the step's largest per-layer update-to-weight ratio
 * r = max_l ‖Δw_l‖/‖w_l‖ (the `layerUpdateRatios` of the record) is far above its recent
 * history, or above an absolute ceiling. Loss spikes tend to follow spikes in what the
 * optimizer applies, not only in the gradient: with Adam a small gradient can still give a
 * large step once the second moment has decayed. Healthy training keeps r near 1e-3.
 *
 * z = (r − median) / (1.4826·MAD + 1e-12) over the last `window` finite ratios (as the
 * gradient spike detector): an event needs z > zThreshold AND r > minRatio × median; during
 * the first `warmup` ratios only r > grossRatio × median counts. Independently, r > maxRatio
 * is an event from the first step on. Records without the fields (older logs, update
 * clipping) and non-finite ratios (the nonfinite detector's business; a layer whose weights
 * were all 0) are skipped and kept out of the window.
 */
import type { DetectConfig } from '../config/schema.js';
import type { RunEvent } from '../record.js';
import type { Detector } from './types.js';
import { MAD_TO_SIGMA, medianOfSorted } from '../stats.js';
import { madOfSorted, pushWindow, sortedWindow } from './sorted-window.js';
import { largestUpdateRatio } from '../log/update-ratio.js';

export interface UpdateRatioState {
  /** Most recent finite step ratios (the largest layer ratio of each step), oldest first. */
  readonly window: readonly number[];
}

export type UpdateRatioOptions = Pick<DetectConfig['updateRatio'], 'window' | 'warmup' | 'zThreshold' | 'minRatio' | 'grossRatio' | 'maxRatio'>;

export function createUpdateRatioDetector(options: UpdateRatioOptions): Detector<UpdateRatioState> {
  return {
    kind: 'updateRatio',
    init: () => ({ window: [] }),
    observe({ record }, state) {
      const found = largestUpdateRatio(record.layerUpdateRatios);
      if (found === null) return { state, events: [] };
      const { ratio, layer } = found;
      const window = pushWindow(state.window, ratio, options.window);
      const sorted = sortedWindow(state.window);
      const med = state.window.length > 0 ? medianOfSorted(sorted) : Number.NaN;
      const z = state.window.length > 0 ? (ratio - med) / (MAD_TO_SIGMA * madOfSorted(sorted, med) + 1e-12) : Number.NaN;
      const warm = state.window.length >= options.warmup;
      const jumped = state.window.length > 0 && (warm ? z > options.zThreshold && ratio > options.minRatio * med : med > 0 && ratio > options.grossRatio * med);
      const ceiling = ratio > options.maxRatio;
      if (!jumped && !ceiling) return { state: { window }, events: [] };
      const event: RunEvent = { kind: 'updateRatio', step: record.step, ratio, median: med, z, layer, ceiling };
      return { state: { window }, events: [event] };
    },
  };
}
