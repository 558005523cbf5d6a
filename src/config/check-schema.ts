/**
 * Zod schema of the `check:` block: the CI stability criteria `gclip check` judges a run
 * or a log against. Objects are strict, numbers finite. A criterion set to `null` is
 * switched off (it does not appear in the result); every other field has a default, so
 * `checkSchema.parse({})` is a complete, sensible gate.
 */
import { z } from 'zod';
import { divergenceThresholds, lossSpikeThresholds, spikeThresholds } from './detect-schema.js';
import { flag } from './flag-meta.js';

const count = () => z.number().int().min(0);
const positive = () => z.number().positive();

/** An upper bound on one percentile of the pre-clip gradient norm: `p`-th percentile ≤ `max`. */
export const gradNormBoundSchema = z.strictObject({
  /** Percentile in [0, 100] (linear interpolation between order statistics, numpy's default). */
  p: z.number().min(0).max(100),
  /** Largest allowed value of that percentile, in the log's norm units. */
  max: positive(),
});
export type GradNormBound = z.infer<typeof gradNormBoundSchema>;

/** Allowed band for the fraction of steps whose gradients were clipped. */
export const clipRateBandSchema = z
  .strictObject({
    min: z.number().min(0).max(1).default(0),
    max: z.number().min(0).max(1).default(0.5),
  })
  .refine((b) => b.min <= b.max, { message: 'clipRate.min must not exceed clipRate.max', path: ['min'] });

/**
 * How spikes and divergence are found in the records themselves (so logs from other
 * frameworks, which carry no events, are judged too): the thresholds of `detect:`, with
 * the same defaults.
 */
export const checkDetectionSchema = z.strictObject({
  spike: z.strictObject(spikeThresholds).prefault({}),
  divergence: z.strictObject(divergenceThresholds).prefault({}),
  lossSpike: z.strictObject(lossSpikeThresholds).prefault({}),
});
export type CheckDetection = z.infer<typeof checkDetectionSchema>;

/** Relative tolerances for `--baseline summary.json` (0.1 = may be 10 % worse). */
export const baselineTolerancesSchema = z.strictObject({
  /** Final loss may exceed the baseline's by this fraction of |baseline|. */
  finalLossTolerance: z.number().min(0).default(0.1),
  /** Pre-clip norm median and p90 may exceed the baseline's by this fraction. */
  gradNormTolerance: z.number().min(0).default(0.25),
});

/**
 * The `check:` block. Defaults: no non-finite step, at most 3 spikes, no skipped step,
 * final loss ≤ 0.9 × initial loss, no gradient-norm percentile bound, clipped on at most
 * half of the steps, no divergence; against a baseline, final loss at most 10 % and
 * gradient-norm median/p90 at most 25 % worse.
 */
export const checkSchema = z.strictObject({
  /** Steps whose loss or gradient norm is NaN/±Infinity (or that carry a nonfinite event). */
  maxNonfinite: count().nullable().default(0),
  /** Gradient-norm spikes; a few that clipping absorbs are normal. */
  maxSpikes: count().nullable().default(3),
  /** Steps whose update was skipped by the `skip` policy (a rollback's step is not one). */
  maxSkipped: count().nullable().default(0),
  /**
   * Most `rollback` events allowed (the detect rollback action); null: not judged. When set,
   * a step a rollback answered is judged by this bound alone: `maxNonfinite` and
   * `noDivergence` leave its events out.
   */
  maxRollbacks: count().nullable().default(null),
  /**
   * Most loss spikes allowed (transient loss jumps, `detect.lossSpike`); null (the default):
   * not judged, but a run with spikes gets a passing `loss_spikes` warning.
   */
  maxLossSpikes: count().nullable().default(null),
  /**
   * Largest per-layer update/weight ratio ‖Δw_l‖/‖w_l‖ allowed at any step (the records'
   * `layerUpdateRatios`); null (the default): not judged.
   */
  maxUpdateRatio: positive()
    .nullable()
    .default(null)
    .meta(flag('--max-update-ratio', 'fail when any step moves a layer by more than this fraction of its weights (largest ‖Δw‖/‖w‖; healthy ≈ 1e-3)')),
  /** Final smoothed loss must be ≤ lossRatio × initial smoothed loss. */
  lossRatio: positive().nullable().default(0.9),
  /** Records in the median that smooths the initial and the final loss (capped at a quarter of the log). */
  lossWindow: z.number().int().positive().default(10),
  /** Upper bounds on percentiles of the pre-clip gradient norm, e.g. `[{ p: 99, max: 10 }]`. */
  gradNorm: z.array(gradNormBoundSchema).default([]),
  /** Band for the fraction of clipped steps. */
  clipRate: clipRateBandSchema.nullable().prefault({}),
  /** Fail when the loss diverges (see `detection.divergence`). */
  noDivergence: z.boolean().default(true),
  detection: checkDetectionSchema.prefault({}),
  baseline: baselineTolerancesSchema.prefault({}),
});

/** The resolved `check:` block (defaults applied). */
export type CheckCriteria = z.infer<typeof checkSchema>;
/** What a config file may write in `check:` before defaults. */
export type CheckCriteriaInput = z.input<typeof checkSchema>;
