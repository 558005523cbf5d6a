/** The detectors a run config enables, in a fixed order. */
import type { DetectConfig } from '../config/schema.js';
import type { Detector } from './types.js';
import { createNonfiniteDetector } from './nonfinite.js';
import { createSpikeDetector } from './spike.js';
import { createDivergenceDetector } from './divergence.js';
import { createUpdateRatioDetector } from './update-ratio.js';
import { createLossSpikeDetector } from './loss-spike.js';

export type { Detector, StepObservation } from './types.js';
export { layerThatJumped } from './types.js';
export { createNonfiniteDetector, createSpikeDetector, createDivergenceDetector, createUpdateRatioDetector, createLossSpikeDetector };

/** nonfinite always; spike, divergence, updateRatio and lossSpike when enabled (lossSpike last: earlier logs keep their event order). */
export function createDetectors(config: DetectConfig): Detector[] {
  const detectors: Detector[] = [createNonfiniteDetector() as Detector];
  if (config.spike.enabled) detectors.push(createSpikeDetector(config.spike) as Detector);
  if (config.divergence.enabled) detectors.push(createDivergenceDetector(config.divergence) as Detector);
  if (config.updateRatio.enabled) detectors.push(createUpdateRatioDetector(config.updateRatio) as Detector);
  if (config.lossSpike.enabled) detectors.push(createLossSpikeDetector(config.lossSpike) as Detector);
  return detectors;
}
export { DEFAULT_REPLAY, replayDetector, withDetectedEvents, type ReplayOptions } from './replay.js';
