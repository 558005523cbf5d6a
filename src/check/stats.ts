/**
 * Record statistics for `gclip check` (`replayDetector` lives in `detect/replay`). Spikes and divergence are found by replaying the
 * records through the same detectors a gclip run uses (`src/detect`), so a log written by
 * another framework (no events) is judged by exactly the rules of a live run. Pure.
 */
import { createDivergenceDetector, createSpikeDetector, replayDetector } from '../detect/index.js';
import type { DivergenceOptions } from '../detect/divergence.js';
import type { SpikeOptions } from '../detect/spike.js';
import type { RunEvent, StepRecord } from '../record.js';

/** A `spike` RunEvent. */
export type SpikeEvent = Extract<RunEvent, { kind: 'spike' }>;
/** A `divergence` RunEvent. */
export type DivergenceEvent = Extract<RunEvent, { kind: 'divergence' }>;

/** Spike events of `detect/spike` (robust z-score against the rolling median) over `records`. */
export function detectSpikes(records: readonly StepRecord[], opts: SpikeOptions): SpikeEvent[] {
  return replayDetector(createSpikeDetector(opts), records).filter((e): e is SpikeEvent => e.kind === 'spike');
}

/** Divergence events of `detect/divergence` (loss > factor × best for `patience` steps) over `records`. */
export function detectDivergence(records: readonly StepRecord[], opts: DivergenceOptions): DivergenceEvent[] {
  return replayDetector(createDivergenceDetector(opts), records).filter((e): e is DivergenceEvent => e.kind === 'divergence');
}

export { replayDetector };
