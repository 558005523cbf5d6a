/**
 * Update clipping (strategy kind `update-clip`) as in StableAdamW: Wortsman, Dettmers,
 * Zettlemoyer, Morcos, Farhadi, Schmidt 2023, "Stable and low-precision training for
 * large-scale vision-language models" (https://arxiv.org/abs/2304.13013), Algorithm 2,
 * checked against the authors' `StableAdamWUnfused` (as kept in `warner-benjamin/optimi`
 * tests/reference, commit 17a3d54). It is Adafactor's update clipping applied per tensor.
 *
 * The gradient passes unchanged; what is clipped is the learning rate of each tensor's Adam
 * step. `apply` measures every tensor's update RMS in-graph and reads it back; the training
 * step's update (src/train/update-clip.ts) then uses the per-tensor learning rates.
 */
import { tf } from '../runtime/tf.js';
import type { Optimizer, Scalar, Tensor } from '../runtime/tf.js';
import type { ClipContext, ClipStrategy } from './types.js';
import { schemaFields, schemaOption } from './options.js';
import { inputError } from '../errors.js';
import type { EmptyState } from './stateless.js';

/** Options of `clipUpdates`. */
export interface UpdateClipOptions {
  /** The RMS above which a tensor's step is scaled down (reference `clip_thresh`); default 1. */
  readonly maxRms?: number;
}

/** The fields of tfjs's `AdamOptimizer` (tfjs-core 4.22) that update clipping reads. */
export interface AdamInternals {
  readonly learningRate: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Updates applied so far (this step is number iterations + 1). */
  readonly iterations: number;
  /** Second moments per variable, in variable order; absent before tfjs's first step creates them. */
  readonly accumulatedSecondMoment: readonly ({ readonly variable: Tensor } | undefined)[];
}

/** Returns the optimizer as tfjs Adam, or throws `update_clip_optimizer` (exit 2). */
export function adamInternals(optimizer: Optimizer | undefined): AdamInternals {
  if (optimizer === undefined || optimizer.getClassName() !== 'Adam') {
    throw inputError('update_clip_optimizer', {
      path: 'train.optimizer',
      message: `clip kind 'update-clip' scales Adam's update and needs tfjs's Adam optimizer, received ${optimizer === undefined ? 'no optimizer' : `'${optimizer.getClassName()}'`}`,
      hint: 'Use --optimizer adam. In your own loop, pass the Adam optimizer as ctx.optimizer.',
    });
  }
  return optimizer as unknown as AdamInternals;
}

const FIELDS = schemaFields('update-clip');

/** The readback key of tensor i's update RMS. */
export const updateRmsKey = (i: number): string => `rms${i}`;

/**
 * The factor on a tensor's learning rate: `1 / max(1, rms/maxRms)` in float64, exactly as the
 * reference (`lr · (1 / max(1, rms / d))`; Python's max keeps 1 for a NaN rms, so a NaN rms
 * leaves the step alone, and an infinite one gives 0).
 */
export function updateLrFactor(rms: number, maxRms: number): number {
  const r = rms / maxRms;
  return r > 1 ? 1 / r : 1;
}

/**
 * A tensor's update RMS for this step. v_t replays tfjs's Adam op for op (the value the
 * update will store): `v_t = v·β2 + g²·(1−β2)`, v = 0 before tfjs has created the slot. Then
 * `rms = sqrt(mean(g²·c / max(v_t, ε²·c)))` with `c = 1 − β2^t` in float64, which is
 * `sqrt(mean(g² / max(v̂_t, ε²)))` rearranged so that step 1 (v_1 = g²·(1−β2), the same op)
 * gives exactly 1 per element, as the reference does.
 */
function updateRms(g: Tensor, v: Tensor | undefined, c: number, adam: AdamInternals): Scalar {
  const sq = tf.square(g);
  const fresh = tf.mul(sq, 1 - adam.beta2);
  const vt = v === undefined ? fresh : tf.add(tf.mul(v, adam.beta2), fresh);
  return tf.sqrt(tf.mean(tf.div(tf.mul(sq, c), tf.maximum(vt, adam.epsilon * adam.epsilon * c)))) as Scalar;
}

/** Builtin update-clip strategies, so the training step can trust their readback. */
const builtin = new WeakSet<ClipStrategy>();

/** True for a strategy made by `clipUpdates`: the training step must apply its learning rates. */
export function isUpdateClip(strategy: ClipStrategy): boolean {
  return builtin.has(strategy);
}

/**
 * StableAdamW's update clipping for tfjs's Adam: per tensor, `RMS_t = sqrt(mean(g_t² /
 * max(v̂_t, ε²)))` with v̂_t Adam's bias-corrected second moment after this step and ε Adam's
 * epsilon; the step of that tensor uses `lr_t = lr / max(1, RMS_t / maxRms)`. Gradients are
 * returned unchanged. Needs `ctx.optimizer` (tfjs Adam); `gclip train` passes it and applies
 * the learning rates. In your own loop: put the optimizer in the context, read the readback
 * back, and update with `createStepUpdate(optimizer, vars, strategy)(grads, numbers)` instead
 * of `optimizer.applyGradients` (`createClipper` and `ClippingOptimizer` do not do this).
 *
 * Differs from the reference in float32 rounding only (it folds the bias correction into its
 * betas; tfjs keeps biased moments): the RMS takes 1 − β2^t in float64 and is exactly 1 on
 * step 1 as there. tfjs's Adam step itself takes 1 − β2^t from its float32 product accβ2,
 * which is off by up to ~1e-5 relative in the first steps for β2 = 0.999; that is tfjs's
 * Adam, with or without update clipping.
 *
 * Readback: `rms<i>` per tensor, `coef` = the smallest learning-rate factor (1: nothing
 * clipped), `threshold` = maxRms. State: none. Declares `fixedThreshold` (maxRms); not
 * `scalesUniformly` (the gradients pass unchanged, so their post-clip norms are measured).
 * @throws GclipError `invalid_clip_option` (maxRms), `update_clip_optimizer` (not Adam).
 */
export function clipUpdates(options: UpdateClipOptions = {}): ClipStrategy<EmptyState> {
  const maxRms = schemaOption('maxRms', FIELDS.maxRms, options.maxRms, 'The reference uses 1.');
  const strategy: ClipStrategy<EmptyState> = {
    kind: 'update-clip',
    options: { maxRms },
    fixedThreshold: maxRms,
    init: () => ({}),
    apply: (grads: readonly Tensor[], _state, ctx: ClipContext) =>
      tf.tidy(() => {
        const adam = adamInternals(ctx.optimizer);
        const c = 1 - adam.beta2 ** (adam.iterations + 1);
        const rms = grads.map((g, i) => updateRms(g, adam.accumulatedSecondMoment[i]?.variable, c, adam));
        const r = tf.div(tf.stack(rms.length > 0 ? rms : [tf.scalar(0)]), maxRms);
        const factors = tf.where(tf.greater(r, 1), tf.reciprocal(r), tf.onesLike(r));
        const readback: Record<string, Scalar> = { coef: tf.min(factors) as Scalar, threshold: tf.scalar(maxRms) };
        rms.forEach((x, i) => (readback[updateRmsKey(i)] = x));
        return { grads: [...grads], readback };
      }),
    next: (state) => state,
  };
  builtin.add(strategy as ClipStrategy);
  return strategy;
}
