/**
 * Gradient-spike detector: the pre-clip norm is far above its recent history.
 * z = (norm − median) / (1.4826·MAD + 1e-12) over the last `window` finite norms; a spike
 * needs z > zThreshold AND norm > minRatio × median (the ratio guard stops a perfectly
 * flat history, MAD ≈ 0, from flagging tiny wiggles). During the first `warmup` finite
 * norms only a gross jump is a spike: a norm above `grossRatio` × the median so far. Non-finite norms are left to the nonfinite detector and kept out
 * of the window, so they never poison it.
 */
import type { DetectConfig } from '../config/schema.js';
import { layerThatJumped, type Detector } from './types.js';
import { MAD_TO_SIGMA, medianOfSorted } from '../stats.js';
import { madOfSorted, pushWindow, sortedWindow } from './sorted-window.js';

export interface SpikeState {
  /** Most recent finite pre-clip norms, oldest first, at most `window` long. */
  readonly window: readonly number[];
  readonly previousLayerNorms: Readonly<Record<string, number>> | null;
}

export type SpikeOptions = Pick<DetectConfig['spike'], 'window' | 'warmup' | 'zThreshold' | 'minRatio'> & { readonly grossRatio?: number };

function next(window: readonly number[], previousLayerNorms: Readonly<Record<string, number>>): SpikeState {
  return { window, previousLayerNorms };
}

export function createSpikeDetector(options: SpikeOptions): Detector<SpikeState> {
  const sized = Number.isInteger(options.window) && options.window >= 1;
  return {
    kind: 'spike',
    init: () => ({ window: [], previousLayerNorms: null }),
    observe({ record }, state) {
      const norm = record.preClipNorm;
      if (!Number.isFinite(norm)) return { state: next(state.window, record.layerNorms), events: [] };
      const window = sized ? pushWindow(state.window, norm, options.window) : [...state.window, norm].slice(-options.window);
      if (state.window.length === 0) return { state: next(window, record.layerNorms), events: [] };
      // median and mad of src/stats, from the window's incrementally kept sorted copy.
      const sorted = sortedWindow(state.window);
      const med = medianOfSorted(sorted);
      const z = (norm - med) / (MAD_TO_SIGMA * madOfSorted(sorted, med) + 1e-12);
      const warm = state.window.length >= options.warmup;
      const spike = warm ? z > options.zThreshold && norm > options.minRatio * med : med > 0 && norm > (options.grossRatio ?? Infinity) * med;
      if (!spike) return { state: next(window, record.layerNorms), events: [] };
      const layer = layerThatJumped(record.layerNorms, state.previousLayerNorms);
      return { state: next(window, record.layerNorms), events: [{ kind: 'spike', step: record.step, preClipNorm: norm, median: med, z, layer }] };
    },
  };
}
