/** Detects NaN or ±Infinity in the loss, the pre-clip gradient norm or the weights. */
import type { RunEvent } from '../record.js';
import { layerThatJumped, type Detector } from './types.js';

/** State: the previous step's per-layer norms, to name the layer that jumped. */
export interface NonfiniteState {
  readonly previousLayerNorms: Readonly<Record<string, number>> | null;
}

/**
 * One `nonfinite` event per step on which any of loss, pre-clip norm or weights is not
 * finite. `what` lists which; `layer` is the first non-finite layer, else the one whose
 * norm rose most since the previous step.
 */
export function createNonfiniteDetector(): Detector<NonfiniteState> {
  return {
    kind: 'nonfinite',
    init: () => ({ previousLayerNorms: null }),
    observe({ record, weightsFinite }, state) {
      if (weightsFinite && Number.isFinite(record.loss) && Number.isFinite(record.preClipNorm)) {
        return { state: { previousLayerNorms: record.layerNorms }, events: [] };
      }
      const what: ('loss' | 'grad_norm' | 'weights')[] = [];
      if (!Number.isFinite(record.loss)) what.push('loss');
      if (!Number.isFinite(record.preClipNorm)) what.push('grad_norm');
      if (!weightsFinite) what.push('weights');
      const events: RunEvent[] =
        what.length === 0
          ? []
          : [{ kind: 'nonfinite', step: record.step, what, layer: layerThatJumped(record.layerNorms, state.previousLayerNorms) }];
      return { state: { previousLayerNorms: record.layerNorms }, events };
    },
  };
}
