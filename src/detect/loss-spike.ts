/**
 * Loss-spike detector: a step whose loss is far above the recent losses, typically a bad
 * batch or a one-step jump in the weights that training then undoes. The divergence
 * detector needs the loss to stay up for `patience` steps, and the spike detector watches
 * gradient norms, so such a transient was reported nowhere.
 *
 * Rule: with m the median of the last `window` finite losses before this step, the step is
 * a loss spike when loss > k × m, m > 0 and loss ≥ `minOfFirstLoss` × the run's first
 * finite loss, where k = `factor` once `warmup` losses were seen and `grossFactor` before.
 * The last guard keeps a converged run, whose loss wobbles near 0 (a batch at 5e-2 against
 * a median of 1e-3), from calling noise a spike: the jump must reach a sizeable share of
 * where the run started. A spike fires once per excursion, at its first step; the steps
 * after it that are still above k × m belong to it. Every finite loss enters the window
 * (a lasting shift becomes the new normal). Non-finite losses are the nonfinite detector's
 * business and are skipped; losses ≤ 0 (a median ≤ 0) are never spikes (the ratio means
 * nothing there).
 */
import type { DetectConfig } from '../config/schema.js';
import { medianOfSorted } from '../stats.js';
import { pushWindow, sortedWindow } from './sorted-window.js';
import { layerThatJumped, type Detector } from './types.js';

export interface LossSpikeState {
  /** Most recent finite losses, oldest first, at most `window` long. */
  readonly window: readonly number[];
  /** The run's first finite loss, or null before it. */
  readonly firstLoss: number | null;
  /** Finite losses seen (for the warm-up). */
  readonly seen: number;
  /** True while the losses stay above the bar after a spike (one event per excursion). */
  readonly inSpike: boolean;
  readonly previousLayerNorms: Readonly<Record<string, number>> | null;
}

export type LossSpikeOptions = Pick<DetectConfig['lossSpike'], 'window' | 'warmup' | 'factor' | 'grossFactor' | 'minOfFirstLoss'>;

export function createLossSpikeDetector(options: LossSpikeOptions): Detector<LossSpikeState> {
  return {
    kind: 'lossSpike',
    init: () => ({ window: [], firstLoss: null, seen: 0, inSpike: false, previousLayerNorms: null }),
    observe({ record }, state) {
      const loss = record.loss;
      if (!Number.isFinite(loss)) return { state: { ...state, previousLayerNorms: record.layerNorms }, events: [] };
      const firstLoss = state.firstLoss ?? loss;
      const median = state.window.length > 0 ? medianOfSorted(sortedWindow(state.window)) : Number.NaN;
      const k = state.seen >= options.warmup ? options.factor : options.grossFactor;
      const above = median > 0 && loss > k * median && loss >= options.minOfFirstLoss * firstLoss;
      const next: LossSpikeState = {
        window: pushWindow(state.window, loss, options.window),
        firstLoss,
        seen: state.seen + 1,
        inSpike: above,
        previousLayerNorms: record.layerNorms,
      };
      if (!above || state.inSpike) return { state: next, events: [] };
      const layer = layerThatJumped(record.layerNorms, state.previousLayerNorms);
      return { state: next, events: [{ kind: 'lossSpike', step: record.step, loss, median, factor: loss / median, layer }] };
    },
  };
}
