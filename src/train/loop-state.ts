/**
 * What the training loop carries across a step boundary, and so what a checkpoint saves:
 * the host state (`LoopState`) and the rollback ring. Below both loop.ts and the
 * checkpoint modules, so neither imports the other for a type.
 */
import type { PolicyState } from './policy.js';
import type { TensorSnapshot } from './snapshot.js';

/**
 * The host half of a training state at a step boundary, JSON-safe (non-finite numbers
 * through `log/codec`): with the tensors of a `TensorSnapshot`, everything the next step
 * depends on.
 */
export interface LoopState {
  /** The next step to run. */
  readonly step: number;
  /** The next batch (data position); equals `step` until a rollback skips batches. */
  readonly dataStep: number;
  /** Learning rate in force (scaled by each rollback). */
  readonly lr: number;
  readonly strategyState: unknown;
  readonly detectorStates: readonly unknown[];
  readonly policy: PolicyState;
  /** Whether an unstable event was left unanswered by a rollback (the run is then unstable). */
  readonly unanswered: boolean;
}

/** One entry of the rollback ring: a good state kept in memory. */
export interface RingEntry {
  readonly state: LoopState;
  readonly tensors: TensorSnapshot;
}

/** The ring at a step boundary, and whether the step before was applied (the loop snapshots only after applied steps). */
export interface RingCarry {
  readonly entries: readonly RingEntry[];
  readonly lastApplied: boolean;
}
