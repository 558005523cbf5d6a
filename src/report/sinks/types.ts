/**
 * The Sink contract (style.md §3): the loop hands every StepRecord to each sink after the
 * readback. Sinks are the only writers of run artefacts (style.md §4).
 */
import type { RunSummary, StepRecord } from '../../record.js';

/** What a sink learns about the run before the first step. */
export interface RunMeta {
  /** Directory of this run's artefacts (the JSONL sink writes `steps.jsonl` here). */
  readonly runDir: string;
  /** The frozen, validated run config, for sinks that record it. */
  readonly config: unknown;
  /** Where each config field came from (dotted path → flag, file, model.json, default), when known. */
  readonly provenance?: Readonly<Record<string, string>>;
  /** Backend actually in use (`tensorflow`, `wasm`, `cpu`). */
  readonly backend: string;
  /** Run start as an ISO-8601 timestamp. */
  readonly startedAt: string;
}

/** Optional per-step data that only some sinks use. */
export interface SinkWriteExtra {
  /**
   * Layer name → flattened pre-clip gradient values, for histogram sinks. The loop only
   * reads gradients back on steps where a sink asked for them, since this costs a sync.
   */
  readonly histograms?: Readonly<Record<string, Float32Array>>;
}

/**
 * A writer of run artefacts. All methods are async and called in order: `open` once,
 * `write` once per step, `close` once. A sink owns its file handles and never changes
 * control flow: it reports failures by throwing, and the loop wraps the error with the
 * sink `name` and the step.
 */
export interface Sink {
  /** Stable short name used in error messages (`jsonl`, `tensorboard`). */
  readonly name: string;
  /** Creates files; called before the first step. */
  open(meta: RunMeta): Promise<void>;
  /** Records one step. May buffer; buffered data is flushed by `close`. */
  write(record: StepRecord, extra?: SinkWriteExtra): Promise<void>;
  /** Flushes and releases every handle. Called once, also after a halted run. */
  close(summary: RunSummary): Promise<void>;
}
