/**
 * Update-ratio detector (issue #20): the step's largest per-layer update-to-weight ratio
 * r = max_l ‖Δw_l‖/‖w_l‖ (the `layerUpdateRatios` of the record) is far above its recent
 * history, or above an absolute ceiling. Loss spikes tend to follow spikes in what the
 * optimizer applies, not only in the gradient: with Adam a small gradient can still give a
 * large step once the second moment has decayed. Healthy training keeps r near 1e-3.
 *
 * A jump is a `robustJump` of r over the last `window` finite ratios, the test of the
 * gradient spike detector: z = (r − median) / (1.4826·MAD + 1e-12) > zThreshold AND
 * r > minRatio × median; during the first `warmup` ratios only r > grossRatio × median. Independently, r > maxRatio
 * is an event from the first step on. Records without the fields (older logs, update
 * clipping) and non-finite ratios (the nonfinite detector's business; a layer whose weights
 * were all 0) are skipped and kept out of the window.
 *
 * `minRatio` defaults to 10, not the spike detector's 3: r is a maximum over layers, and a
 * clipped step's bounded update can move from one layer to another, so r shifts several-fold
 * in healthy runs (exploding-rnn with --clip-norm 1: 0.0087 for 20 steps, then 0.03–0.065;
 * the flat start has MAD ≈ 0, so z alone says nothing). Every step above the bar is an event,
 * not only an excursion's first (as for loss spikes): the event is what lets `skip` and
 * `rollback` keep that step's update out of the weights.
 */
import type { DetectConfig } from '../config/schema.js';
import type { RunEvent } from '../record.js';
import type { Detector } from './types.js';
import { robustJump } from './robust-jump.js';
import { pushWindow } from './sorted-window.js';
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
      // The ceiling holds from the first ratio on, when the jump has nothing to compare with (median and z NaN).
      const { median, z, jumped } = robustJump(state.window, ratio, options);
      const ceiling = ratio > options.maxRatio;
      if (!jumped && !ceiling) return { state: { window }, events: [] };
      const event: RunEvent = { kind: 'updateRatio', step: record.step, ratio, median, z, layer, ceiling };
      return { state: { window }, events: [event] };
    },
  };
}
