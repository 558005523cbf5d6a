/**
 * Detectors observe each step after the readback and report events. They never act:
 * `train/policy` maps events to halt, skip or warn.
 */
import type { RunEvent, StepRecord } from '../record.js';

/** What a detector sees: the step's record (events not yet attached) and extra facts. */
export interface StepObservation {
  readonly record: Omit<StepRecord, 'events' | 'skipped'>;
  /** False when any weight was NaN or ±Infinity at the start of the step. */
  readonly weightsFinite: boolean;
}

/** A host-arithmetic observer with explicit, plain-data state `S`. */
export interface Detector<S = unknown> {
  readonly kind: RunEvent['kind'];
  init(): S;
  observe(obs: StepObservation, state: S): { state: S; events: RunEvent[] };
}

/**
 * The layer whose pre-clip norm rose most relative to the previous step: the first
 * non-finite layer if any, else the largest ratio now/before. Null without layers.
 */
export function layerThatJumped(
  now: Readonly<Record<string, number>>,
  before: Readonly<Record<string, number>> | null,
): string | null {
  let best: string | null = null;
  let bestRatio = -Infinity;
  for (const [name, value] of Object.entries(now)) {
    if (!Number.isFinite(value)) return name;
    const prev = before?.[name];
    const ratio = prev !== undefined && prev > 0 ? value / prev : value;
    if (ratio > bestRatio) {
      bestRatio = ratio;
      best = name;
    }
  }
  return best;
}
