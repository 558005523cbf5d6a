/**
 * Gradient-spike detector: the pre-clip norm is far above its recent history.
 * A spike is a `robustJump` of the norm over the last `window` finite norms:
 * z = (norm − median) / (1.4826·MAD + 1e-12) > zThreshold AND norm > minRatio × median;
 * during the first `warmup` finite norms only a norm above `grossRatio` × the median so far
 * (no `grossRatio`: none). Non-finite norms are left to the nonfinite detector and kept out
 * of the window, so they never poison it.
 */
import type { DetectConfig } from '../config/schema.js';
import { layerThatJumped, type Detector } from './types.js';
import { robustJump } from './robust-jump.js';
import { pushWindow } from './sorted-window.js';

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
  const jump = { ...options, grossRatio: options.grossRatio ?? Infinity };
  return {
    kind: 'spike',
    init: () => ({ window: [], previousLayerNorms: null }),
    observe({ record }, state) {
      const norm = record.preClipNorm;
      if (!Number.isFinite(norm)) return { state: next(state.window, record.layerNorms), events: [] };
      const window = sized ? pushWindow(state.window, norm, options.window) : [...state.window, norm].slice(-options.window);
      const { median, z, jumped } = robustJump(state.window, norm, jump);
      if (!jumped) return { state: next(window, record.layerNorms), events: [] };
      const layer = layerThatJumped(record.layerNorms, state.previousLayerNorms);
      return { state: next(window, record.layerNorms), events: [{ kind: 'spike', step: record.step, preClipNorm: norm, median, z, layer }] };
    },
  };
}
