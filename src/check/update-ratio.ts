/**
 * The `update_ratio` criterion (`check.maxUpdateRatio`, off by default): the largest
 * per-layer update-to-weight ratio ‖Δw_l‖/‖w_l‖ of any step (the records'
 * `layerUpdateRatios`, the max the run summary shows) must not exceed the bound. Healthy
 * training keeps it near 1e-3; a step that moves a layer by a large share of its weights
 * is the optimizer, not the gradient, going wrong (docs/update-telemetry.md). A log
 * without the telemetry (foreign logs, older gclip, update clipping) cannot be judged: the
 * criterion fails and says so, as `loss_ratio` does without a loss.
 */
import type { RecordSummary } from '../log/summary.js';
import { updateRatioText } from '../log/update-ratio.js';
import { formatBound } from './format.js';
import { atMost, type CriterionResult } from './criterion.js';

/** The criterion for the steps' update ratios (`summary.updateRatio`) against `max`. */
export function updateRatio(summary: Pick<RecordSummary, 'updateRatio'>, max: number): CriterionResult {
  const u = summary.updateRatio;
  if (u === null) {
    const reason = `cannot judge: no record has update/weight ratios (layerUpdateRatios: foreign logs, older gclip runs and update clipping have none); set maxUpdateRatio: null to disable (bound ${formatBound(max)})`;
    return { name: 'update_ratio', passed: false, value: null, bound: max, reason };
  }
  // The summary's own words (train and report show this line too).
  return atMost('update_ratio', u.max, max, () => `update/weight ratio median / max ${updateRatioText(u)}`);
}
