/**
 * The data that flows from the training loop to detectors, sinks and reports. Plain,
 * readonly, JSON-serialisable (through `report/codec`, which keeps NaN and ±Infinity).
 * Shared by `train`, `detect`, `check` and `report`, so it lives above all of them.
 */

/** Something a detector noticed at one step. `kind` is the discriminant. */
export type RunEvent =
  | {
      readonly kind: 'nonfinite';
      readonly step: number;
      /** Which measured quantities were NaN or ±Infinity. */
      readonly what: readonly ('loss' | 'grad_norm' | 'weights')[];
      /** Layer whose gradient norm was non-finite or jumped most at this step. */
      readonly layer: string | null;
    }
  | {
      readonly kind: 'spike';
      readonly step: number;
      readonly preClipNorm: number;
      /** Rolling median of recent pre-clip norms. */
      readonly median: number;
      /** Robust z-score: (norm − median) / (1.4826 · MAD). */
      readonly z: number;
      readonly layer: string | null;
    }
  | {
      readonly kind: 'divergence';
      /** Step at which the streak reached `patience` (when the event fired). */
      readonly step: number;
      /** First step of the diverged streak. */
      readonly since: number;
      readonly loss: number;
      readonly bestLoss: number;
      readonly factor: number;
      /** Layer whose gradient norm rose most at the first step of the streak. */
      readonly layer: string | null;
    };

export type EventKind = RunEvent['kind'];

/** One training step. The only thing a run log contains. */
export interface StepRecord {
  readonly step: number;
  readonly loss: number;
  /** Total gradient norm before clipping, in the run's norm type. */
  readonly preClipNorm: number;
  /** Total gradient norm after clipping (equal to preClipNorm when nothing clipped). */
  readonly postClipNorm: number;
  /** Scale applied to the gradients (1 when unclipped; per-element strategies report post/pre). */
  readonly clipCoef: number;
  /** True when the strategy changed the gradients this step. */
  readonly clipped: boolean;
  /** Threshold in force this step (max norm, clip value, adaptive threshold), or null. */
  readonly threshold: number | null;
  /** Per-layer pre-clip norms, layer name → norm. */
  readonly layerNorms: Readonly<Record<string, number>>;
  /** Per-layer post-clip norms. */
  readonly layerNormsPost: Readonly<Record<string, number>>;
  readonly lr: number;
  /** Validation loss when evaluated at this step, else null. */
  readonly valLoss: number | null;
  readonly events: readonly RunEvent[];
  /** True when the update was not applied (policy `skip`). */
  readonly skipped: boolean;
  /** Wall time of the step in milliseconds (excluded from determinism checks). */
  readonly wallMs: number;
}

export type RunStatus = 'ok' | 'unstable' | 'halted';

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
  readonly firstBadStep: number | null;
  /** Layer whose gradient norm jumped most at the first bad step. */
  readonly firstBadLayer: string | null;
  readonly preClipNorm: { readonly median: number | null; readonly p90: number | null; readonly max: number | null };
  readonly clipRate: number;
  readonly skippedSteps: number;
  readonly events: Readonly<Record<string, number>>;
  readonly backend: string;
  readonly stepsPerSec: number;
  readonly runDir: string | null;
  /** Diagnoses that are not failures: unnormalised inputs, huge first gradients. */
  readonly hints: readonly string[];
}
