/**
 * Zod schemas of the `detect:` block, and the spike and divergence thresholds that
 * `check.detection` shares with it (one definition, so the two cannot drift apart).
 */
import { z } from 'zod';
import { flag } from './flag-meta.js';

const positive = () => z.number().positive();

/** Spike thresholds: the pre-clip norm far above its recent history (robust z-score over a rolling window). */
export const spikeThresholds = {
  /** Number of preceding finite norms the rolling median is taken over. */
  window: z.number().int().min(5).default(50),
  /** Steps (or log records) before a statistical spike can be called; a gross jump (`grossRatio`) is called from the second step. */
  warmup: z.number().int().min(3).default(20),
  /** During the warm-up, a norm above this multiple of the median so far is still a spike (never muted). */
  grossRatio: z.number().gt(1).default(1000),
  /** Robust z-score (norm − median) / (1.4826 · MAD) above which a step is a spike. */
  zThreshold: positive().default(10),
  /** ...and the norm must also exceed this multiple of the rolling median. */
  minRatio: positive().default(3),
};

/** Divergence thresholds: the loss far above the best seen so far. */
export const divergenceThresholds = {
  /** Diverged when loss > factor × best loss so far (and above the first loss). */
  factor: z.number().gt(1).default(10),
  /** Steps (or log records) during which only a gross departure (loss > grossFactor × best) counts towards divergence. */
  warmup: z.number().int().min(0).default(10),
  /** During the warm-up, a loss above this multiple of the best so far still counts (a gross departure is never muted). */
  grossFactor: z.number().gt(1).default(20),
  /** Consecutive diverged steps needed before the event fires. */
  patience: z.number().int().positive().default(5),
};

/**
 * Loss-spike thresholds: one step's loss far above the rolling median of the recent
 * losses, then (usually) back: a bad batch, a transient the divergence detector, which
 * needs the loss to stay up, never reports (src/detect/loss-spike.ts).
 */
export const lossSpikeThresholds = {
  /** Number of preceding finite losses the rolling median is taken over. */
  window: z.number().int().min(5).default(20),
  /** Losses seen before a jump above `factor` × median can be called; until then only one above `grossFactor` × median counts. */
  warmup: z.number().int().min(1).default(10),
  /** A loss above this multiple of the rolling median is a spike. */
  factor: z.number().gt(1).default(10),
  /** During the warm-up, a loss above this multiple of the median so far is still a spike. */
  grossFactor: z.number().gt(1).default(100),
  /** ...and the loss must also reach this fraction of the run's first finite loss (a near-zero loss wobbling by 10× is noise). */
  minOfFirstLoss: z.number().min(0).default(0.1),
};

/**
 * Update-ratio thresholds: the step's largest per-layer update-to-weight ratio
 * ‖Δw_l‖/‖w_l‖ far above its recent history (robust z-score, as for gradient spikes), or
 * above an absolute ceiling (src/detect/update-ratio.ts).
 */
const updateRatioThresholds = {
  /** Number of preceding finite step ratios the rolling median is taken over. */
  window: z.number().int().min(5).default(50),
  /** Ratios seen before a statistical jump can be called; a gross jump (`grossRatio`) and the ceiling count from the start. */
  warmup: z.number().int().min(3).default(20),
  /** During the warm-up, a ratio above this multiple of the median so far is still an event. */
  grossRatio: z.number().gt(1).default(1000),
  /** Robust z-score (ratio − median) / (1.4826 · MAD) above which a step's update is an outlier. */
  zThreshold: positive()
    .default(10)
    .meta(flag('--update-ratio-z', 'robust z-score of the largest layer update/weight ratio that is an event (detect.updateRatio)')),
  /**
   * ...and the ratio must also exceed this multiple of the rolling median: an order of
   * magnitude, not the gradient detector's 3×, because a healthy clipped run's largest layer
   * ratio reaches 6.7× its rolling median when the bounded update moves from one layer to another.
   */
  minRatio: positive().default(10),
  /** Absolute ceiling: a layer whose update is larger than this fraction of its weights is an event (healthy: about 1e-3). */
  maxRatio: positive()
    .default(1)
    .meta(flag('--update-ratio-max', 'largest layer update/weight ratio ‖Δw‖/‖w‖ before an event (detect.updateRatio)')),
};

/**
 * What the policy does about an event: stop the run, go back to a recent good state
 * (`rollback`, budgeted by `detect.rollback`), skip the update, or only report it.
 */
export const actionSchema = z.enum(['halt', 'rollback', 'skip', 'warn']);
export type Action = z.infer<typeof actionSchema>;

/** The `detect:` block: which detectors run, their thresholds, the action per event and the skip budgets. */
export const detectSchema = z.strictObject({
  /** NaN/Inf in loss, gradient norm or weights. */
  nonfinite: z
    .strictObject({
      action: actionSchema
        .default('halt')
        .meta(flag('--on-nonfinite', 'what to do when the loss, the gradient norm or the weights are NaN/Inf', { arg: 'action' })),
    })
    .prefault({}),
  spike: z
    .strictObject({ enabled: z.boolean().default(true), ...spikeThresholds, action: actionSchema.default('warn') })
    .prefault({}),
  divergence: z
    .strictObject({ enabled: z.boolean().default(true), ...divergenceThresholds, action: actionSchema.default('halt') })
    .prefault({}),
  /** Transient loss jumps (one step, or a few, far above the rolling median). */
  lossSpike: z
    .strictObject({
      enabled: z.boolean().default(true),
      ...lossSpikeThresholds,
      factor: lossSpikeThresholds.factor.meta(
        flag('--loss-spike-factor', 'a step whose loss is above this multiple of the rolling median of recent losses is a loss spike (detect.lossSpike)'),
      ),
      action: actionSchema
        .default('warn')
        .meta(flag('--on-loss-spike', 'what to do when a step\'s loss jumps above --loss-spike-factor × the rolling median', { arg: 'action' })),
    })
    .prefault({}),
  /** The update-to-weight ratio signal (needs the update telemetry: off for update clipping). */
  updateRatio: z
    .strictObject({
      enabled: z.boolean().default(true),
      ...updateRatioThresholds,
      action: actionSchema
        .default('warn')
        .meta(flag('--on-update-ratio', 'what to do when a layer\'s update/weight ratio jumps or passes --update-ratio-max', { arg: 'action' })),
    })
    .prefault({}),
  /** Budgets for `skip`: beyond them the run halts. */
  skip: z
    .strictObject({
      maxConsecutive: z.number().int().positive().default(5),
      maxTotal: z.number().int().positive().default(50),
    })
    .prefault({}),
  /**
   * The `rollback` action: restore the newest in-memory snapshot from before the event,
   * skip the batches since then, scale the learning rate, continue; halt beyond `maxTotal`.
   */
  rollback: z
    .strictObject({
      /** Factor applied to the learning rate at each rollback. */
      lrScale: z.number().positive().max(1).default(0.5),
      /** Rollbacks allowed in a run; the next event asking for one halts it. */
      maxTotal: z.number().int().positive().default(5),
      /** Steps between in-memory snapshots (taken only when an event asks for rollback). */
      every: z.number().int().positive().default(10),
      /** Snapshots kept in the ring. */
      keep: z.number().int().positive().default(3),
    })
    .prefault({}),
});
export type DetectConfig = z.infer<typeof detectSchema>;
