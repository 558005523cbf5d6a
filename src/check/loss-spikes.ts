/**
 * The `loss_spikes` criterion: transient loss jumps (`lossSpike` events of the run, or of
 * the detector replayed over a log). Not judged by default: with `check.maxLossSpikes`
 * unset, a run with spikes gets a passing warning row (⚠, JUnit system-out, `::warning`)
 * and a run without none at all, so clean verdicts read as before. Set, it is an upper
 * bound like `maxSpikes`.
 */
import { lossSpikesRow, type LossSpike } from '../log/loss-spike.js';
import { atMost, warningOnly, type CriterionResult, type StepText } from './criterion.js';

/** The criterion for the run's loss spikes against `max` (null: warn only), or null when there is nothing to show. */
export function lossSpikes(spikes: readonly LossSpike[], max: number | null, at: StepText): CriterionResult | null {
  const text = spikes.length === 0 ? '0 loss spikes' : `${spikes.length} loss spike(s): ${lossSpikesRow(spikes, at)}`;
  if (max !== null) return atMost('loss_spikes', spikes.length, max, () => text);
  return spikes.length === 0 ? null : warningOnly('loss_spikes', spikes.length, text, 'check.maxLossSpikes');
}
