/**
 * The data that flows from the training loop to detectors, sinks and reports, shared by
 * `train`, `detect`, `check` and `report`, so it lives above all of them. The step record
 * and its events are inferred from their one schema in `log/schema`; the run summary is
 * what `train` returns.
 */
import type { RunSettings } from './log/settings.js';
import type { RecordSummary } from './log/summary.js';

export type { BlamedBatch, EventKind, RunEvent, StepRecord } from './log/schema.js';

/** `interrupted`: stopped by SIGINT/SIGTERM before the planned end; never a pass. */
export type RunStatus = 'ok' | 'unstable' | 'halted' | 'interrupted';

/** What a run returns. Only the CLI turns `status` into an exit code. */
export interface RunSummary {
  readonly status: RunStatus;
  /** One sentence: why the run is not ok, or null. */
  readonly reason: string | null;
  readonly steps: number;
  readonly finalLoss: number | null;
  readonly bestLoss: number | null;
  /** Last validation loss measured (`train.evalEvery`), or null. */
  readonly finalValLoss: number | null;
  /** The onset's step (see `log/onset`): where the run left its healthy regime, or null. */
  readonly firstBadStep: number | null;
  /** The layer blamed at the onset (one rule, see `log/onset`), or null. */
  readonly firstBadLayer: string | null;
  /** The onset in full: step, signal, blamed layer and ratios, or null. */
  readonly onset: RecordSummary['onset'];
  /** First step with a non-finite loss, gradient norm or weights, or null. */
  readonly firstNonfiniteStep: number | null;
  /** First step where the policy acted: skipped the update or halted the run, or null. */
  readonly policyStep: number | null;
  /** The records' norm statistics (see `RecordSummary`), without the step of the max. */
  readonly preClipNorm: Omit<RecordSummary['preClipNorm'], 'maxStep'>;
  readonly clipRate: number;
  /** The steps' update-to-weight ratios (see `RecordSummary`); absent from older summaries. */
  readonly updateRatio?: RecordSummary['updateRatio'];
  /** Steps the `skip` policy left out (rollback steps are counted in `rollbacks`). */
  readonly skippedSteps: number;
  /** Rollbacks done (`detect.<event>.action: rollback`). */
  readonly rollbacks: number;
  readonly events: Readonly<Record<string, number>>;
  /** Transient loss jumps (`lossSpike` events), in step order; absent when there was none. */
  readonly lossSpikes?: RecordSummary['lossSpikes'];
  /** Faults injected on purpose (`--inject`), in step order; absent when none was. */
  readonly injected?: RecordSummary['injected'];
  readonly backend: string;
  readonly stepsPerSec: number;
  readonly runDir: string | null;
  /** Diagnoses that are not failures: unnormalised inputs, huge first gradients. */
  readonly hints: readonly string[];
  /** The loss, optimizer, learning rate and clipping trained with, and where each came from; null when unknown. */
  readonly settings: RunSettings | null;
  /**
   * Present (true) when the clip strategy sets its own clip rate (`ClipStrategy.clipRateByDesign`):
   * `gclip check --log` on the run's `steps.jsonl` then shows the rate without judging it.
   */
  readonly clipRateByDesign?: true;
}
