/**
 * Replays the detectors of a live run over finished records, so a log written by another
 * framework (no events) or by an older gclip is judged by the same rules: `check` and
 * `report` both read events through `withDetectedEvents`, so they list the same ones.
 */
import { z } from 'zod';
import { divergenceThresholds, lossSpikeThresholds, spikeThresholds } from '../config/detect-schema.js';
import type { RunEvent, StepRecord } from '../record.js';
import { createDivergenceDetector, type DivergenceOptions } from './divergence.js';
import { createLossSpikeDetector, type LossSpikeOptions } from './loss-spike.js';
import { createNonfiniteDetector } from './nonfinite.js';
import { createSpikeDetector, type SpikeOptions } from './spike.js';
import type { Detector } from './types.js';

/** The spike, divergence and loss-spike thresholds a replay uses. */
export interface ReplayOptions {
  readonly spike: SpikeOptions;
  readonly divergence: DivergenceOptions;
  readonly lossSpike: LossSpikeOptions;
}

/** The thresholds of `detect:` and `check.detection` when nothing sets them. */
export const DEFAULT_REPLAY: ReplayOptions = {
  spike: z.strictObject(spikeThresholds).parse({}),
  divergence: z.strictObject(divergenceThresholds).parse({}),
  lossSpike: z.strictObject(lossSpikeThresholds).parse({}),
};

/**
 * Runs a detector over finished records (weights assumed finite) and returns all its events.
 * A record with a `rollback` event puts the detector back in its state before the step the
 * run rolled back to, as the live run did; without that, the replay would judge the steps
 * after a rollback against a best loss or norm window the run had already undone.
 */
export function replayDetector<S>(detector: Detector<S>, records: readonly StepRecord[]): RunEvent[] {
  const targets = new Set(records.flatMap((r) => r.events.flatMap((e) => (e.kind === 'rollback' ? [e.toStep] : []))));
  const before = new Map<number, S>();
  let state = detector.init();
  const events: RunEvent[] = [];
  for (const record of records) {
    if (targets.has(record.step)) before.set(record.step, state);
    const out = detector.observe({ record, weightsFinite: true }, state);
    state = out.state;
    events.push(...out.events);
    const rollback = record.events.find((e) => e.kind === 'rollback');
    if (rollback?.kind === 'rollback') state = before.get(rollback.toStep) ?? state;
  }
  return events;
}

/**
 * The records with the replayed detectors' events added: an event is added at a step that
 * has no recorded event of its kind (a recorded event wins, so a gclip log keeps its own).
 * Records without additions are returned as they were.
 */
export function withDetectedEvents(records: readonly StepRecord[], options: ReplayOptions = DEFAULT_REPLAY): StepRecord[] {
  const detectors = [
    createNonfiniteDetector(),
    createSpikeDetector(options.spike),
    createDivergenceDetector(options.divergence),
    createLossSpikeDetector(options.lossSpike),
  ] as Detector[];
  const added = new Map<number, RunEvent[]>();
  for (const detector of detectors) {
    for (const e of replayDetector(detector, records)) {
      const list = added.get(e.step) ?? [];
      list.push(e);
      added.set(e.step, list);
    }
  }
  return records.map((r) => {
    const extra = (added.get(r.step) ?? []).filter((e) => !r.events.some((own) => own.kind === e.kind));
    return extra.length === 0 ? r : { ...r, events: [...r.events, ...extra] };
  });
}
