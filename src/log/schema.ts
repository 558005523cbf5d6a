/**
 * The step record: one zod schema, from which `StepRecord` and `RunEvent` are inferred.
 * The training loop builds records as plain objects (no parse on the write path); readers
 * validate stored lines against this schema. Fields that older gclip versions did not
 * write take the defaults below, so their logs still load.
 */
import { z } from 'zod';

/**
 * A number as the codec decodes it: finite, NaN or ±Infinity. (zod's `z.number()` alone
 * refuses the non-finite ones, which a log must keep.)
 */
const num = z.number().or(z.nan()).or(z.literal(Infinity)).or(z.literal(-Infinity));

/** Layer whose gradient norm jumped most, or null (logs before the field: null). */
const layer = z.string().nullable().default(null);

const nonfiniteEventSchema = z.object({
  kind: z.literal('nonfinite'),
  step: z.number().int(),
  /** Which measured quantities were NaN or ±Infinity. */
  what: z.array(z.enum(['loss', 'grad_norm', 'weights'])),
  /** Layer whose gradient norm was non-finite or jumped most at this step. */
  layer,
});

const spikeEventSchema = z.object({
  kind: z.literal('spike'),
  step: z.number().int(),
  preClipNorm: num,
  /** Rolling median of recent pre-clip norms. */
  median: num,
  /** Robust z-score: (norm − median) / (1.4826 · MAD). */
  z: num,
  layer,
});

const divergenceEventSchema = z
  .object({
    kind: z.literal('divergence'),
    /** Step at which the streak reached `patience` (when the event fired). */
    step: z.number().int(),
    /** First step of the diverged streak (logs before the field: the firing step). */
    since: z.number().int().optional(),
    loss: num,
    bestLoss: num,
    factor: num,
    /** Layer whose gradient norm rose most at the first step of the streak. */
    layer,
  })
  .transform((e) => ({ ...e, since: e.since ?? e.step }));

const updateRatioEventSchema = z.object({
  kind: z.literal('updateRatio'),
  step: z.number().int(),
  /** The step's largest per-layer update-to-weight ratio ‖Δw_l‖/‖w_l‖. */
  ratio: num,
  /** Rolling median of recent step ratios (NaN at the first one). */
  median: num,
  /** Robust z-score: (ratio − median) / (1.4826 · MAD). */
  z: num,
  /** Layer with that ratio. */
  layer,
  /** True when the ratio passed the absolute ceiling `detect.updateRatio.maxRatio`. */
  ceiling: z.boolean().default(false),
});

/**
 * A transient loss jump: the step's loss is far above the rolling median of the recent
 * losses (src/detect/loss-spike.ts). Reported once per excursion, at its first step; a
 * jump that persists is also the divergence detector's.
 */
const lossSpikeEventSchema = z.object({
  kind: z.literal('lossSpike'),
  step: z.number().int(),
  loss: num,
  /** Rolling median of the recent finite losses. */
  median: num,
  /** loss ÷ median. */
  factor: num,
  /** Layer whose gradient norm jumped most at this step. */
  layer,
});

/**
 * The `rollback` action at work (not a detector's finding): at `step`, the weights,
 * optimizer, clip and detector state went back to the snapshot taken before step `toStep`,
 * the batches `skipped[0]`..`skipped[1]` (data positions, inclusive) are never used, and
 * training continues with learning rate `lr`.
 */
const rollbackEventSchema = z.object({
  kind: z.literal('rollback'),
  step: z.number().int(),
  /** The event kind that asked for it. */
  cause: z.enum(['nonfinite', 'spike', 'divergence', 'updateRatio', 'lossSpike']),
  toStep: z.number().int(),
  skipped: z.tuple([z.number().int(), z.number().int()]),
  lr: num,
  layer,
});

/**
 * A fault injected on purpose at `step` (`--inject`, docs/fault-injection.md), not a
 * finding: the detectors' events at that step are its consequences, and every surface
 * marks them injected so they are never read as a real fault. `factor` only for `spike`;
 * `layer` when one layer was scaled.
 */
const injectedEventSchema = z.object({
  kind: z.literal('injected'),
  step: z.number().int(),
  fault: z.enum(['nan', 'inf', 'spike', 'loss-nan']),
  factor: num.optional(),
  layer,
});

/**
 * The batch of one step, named on the records of steps with events: the batch the events
 * were measured on, a divergence's first diverged step (`since`) and, on the record that
 * fixes the onset, the onset step's (see `log/onset`). Host-side facts from the batch
 * schedule: no readback.
 */
export const blamedBatchSchema = z.object({
  /** The step whose batch this is. */
  step: z.number().int(),
  /** Sample indices in the training split, in batch order. */
  indices: z.array(z.number().int()),
  /** The data file (as the config names it); absent for synthetic tasks. */
  file: z.string().optional(),
  /** CSV: the line each sample starts on (1-based, the header is line 1), in `indices` order. */
  lines: z.array(z.number().int()).optional(),
  /** JSON: each sample's 0-based record index (the i of `[i]` or `x[i]`), in `indices` order. */
  records: z.array(z.number().int()).optional(),
});

/** Something a detector noticed at one step, a rollback, or an injected fault; `kind` is the discriminant. */
export const runEventSchema = z.discriminatedUnion('kind', [nonfiniteEventSchema, spikeEventSchema, divergenceEventSchema, updateRatioEventSchema, lossSpikeEventSchema, rollbackEventSchema, injectedEventSchema]);

/** The event kinds, in the order of the schema. */
export const EVENT_KINDS: readonly string[] = runEventSchema.options.map((o) => ('shape' in o ? o.shape : o.in.shape).kind.value);

// Fields in the order the loop writes them, so a decoded line re-encodes to the same bytes.
const stepRecordObject = z.object({
  step: z.number().int(),
  loss: num,
  /** Total gradient norm before clipping, in the run's norm type. */
  preClipNorm: num,
  /** Total gradient norm after clipping (equal to preClipNorm when nothing clipped; the default). */
  postClipNorm: num.optional(),
  /** Scale applied to the gradients (1 when unclipped; per-element strategies report post/pre). */
  clipCoef: num.default(1),
  /** True when the strategy changed the gradients this step. */
  clipped: z.boolean().default(false),
  /** Threshold in force this step (max norm, clip value, adaptive threshold), or null. */
  threshold: num.nullable().default(null),
  /** Per-layer pre-clip norms, layer name → norm. */
  layerNorms: z.record(z.string(), num).default({}),
  /** Per-layer post-clip norms. */
  layerNormsPost: z.record(z.string(), num).default({}),
  /** Learning rate (NaN when a foreign log has none). */
  lr: num.default(Number.NaN),
  /** Validation loss when evaluated at this step, else null. */
  valLoss: num.nullable().default(null),
  /** Wall time of the step in milliseconds (excluded from determinism checks). */
  wallMs: num.default(0),
  events: z.array(runEventSchema).default([]),
  /** True when the update was not applied (policy `skip`). */
  skipped: z.boolean().default(false),
  /**
   * 2-norm of the update the optimizer computed this step, ‖Δw‖ over every trainable weight
   * (after clipping, learning rate and moments; on a skipped step, the update that was not
   * applied). Absent from older logs and from runs with update clipping.
   */
  updateNorm: num.optional(),
  /** Per-layer update norms ‖Δw_l‖, layer name → norm. */
  layerUpdateNorms: z.record(z.string(), num).optional(),
  /** Per-layer update-to-weight ratios ‖Δw_l‖/‖w_l‖ (weights before the update; 0 when Δw is 0). */
  layerUpdateRatios: z.record(z.string(), num).optional(),
  /**
   * Written only on records with events: the batches of this step, of a divergence's
   * `since` and of the onset step when this record fixes the onset, each step once (see
   * `blamedBatchSchema`). Absent elsewhere and in logs before the field. Last, since the
   * loop sets it last (a decoded line re-encodes to the same bytes).
   */
  batches: z.array(blamedBatchSchema).optional(),
});

/** postClipNorm defaults to preClipNorm: it cannot be a plain zod default, which sees one field. */
function withPostClipNorm<T extends { preClipNorm: number; postClipNorm?: number | undefined }>(r: T): T & { postClipNorm: number } {
  return { ...r, postClipNorm: r.postClipNorm ?? r.preClipNorm };
}

/** One training step, the only thing a run log contains. Unknown fields are dropped. */
export const stepRecordSchema = stepRecordObject.transform(withPostClipNorm);

/**
 * A stored line read back: `stepRecordSchema`, but fields it does not know (from a newer
 * gclip, or added by hand) are kept.
 */
export const storedRecordSchema = stepRecordObject.loose().transform(withPostClipNorm);

/** `T` with every property and array element read-only, all the way down. */
type Frozen<T> = T extends readonly (infer U)[] ? readonly Frozen<U>[] : T extends object ? { readonly [K in keyof T]: Frozen<T[K]> } : T;

/**
 * One training step (see `stepRecordSchema`). Plain, readonly, JSON-serialisable through
 * `log/codec`, which keeps NaN and ±Infinity. It holds no tensors.
 */
export type StepRecord = Frozen<z.output<typeof stepRecordSchema>>;

/** Something a detector noticed at one step (see `runEventSchema`). */
export type RunEvent = Frozen<z.output<typeof runEventSchema>>;

/** The batch of one step: training-split indices and, for data files, source lines or records. */
export type BlamedBatch = Frozen<z.output<typeof blamedBatchSchema>>;

/** `nonfinite`, `spike` or `divergence`. */
export type EventKind = RunEvent['kind'];
