/**
 * Adaptive gradient clipping (strategy kind `agc`), Brock et al. 2021, "High-Performance
 * Large-Scale Image Recognition Without Normalization" (https://arxiv.org/abs/2102.06171),
 * following optax `adaptive_grad_clip` exactly.
 */
import { tf } from '../runtime/tf.js';
import type { Tensor } from '../runtime/tf.js';
import type { ClipStrategy } from './types.js';
import { internalError } from '../errors.js';
import { invalidOption, schemaFields, schemaOption } from './options.js';
import { stateless, type EmptyState } from './stateless.js';

/** Division guard on the gradient's unit norm (separate from `eps`). */
export const AGC_DIV_EPS = 1e-6;

/**
 * Which axes form a unit. `optax` (TF.js layouts: Dense `[in, out]`, Conv2D HWIO): reduce
 * axis 0 for rank 2–3, axes 0–2 for rank 4, the whole tensor when it squeezes to ≤ 1-D.
 * `timm` (PyTorch layouts `[out, in, …]`): reduce every axis but 0; whole tensor when rank ≤ 1
 * (no squeeze, so a `[1, k]` kernel is per-unit in timm and whole-tensor in optax).
 */
export type AgcLayout = 'optax' | 'timm';

/** Options of `adaptiveGradClip`. */
export interface AdaptiveGradClipOptions {
  /** λ: the largest allowed ratio ‖G_i‖/max(‖W_i‖, eps); default 0.01 (NFNet, batch 4096). */
  readonly clipping?: number;
  /** Floor on the parameter unit norm; default 1e-3. */
  readonly eps?: number;
  /** Unit layout; default 'optax' (right for TF.js variables). */
  readonly layout?: AgcLayout;
  /** Leave the final classifier unclipped (the paper): the last variable of rank ≥ 2. */
  readonly excludeFinal?: boolean;
  /** Indices (gradient order) of variables never clipped. */
  readonly exclude?: readonly number[];
}

/** Per-unit quantities of one tensor, each broadcastable to the tensor's shape. */
export interface AgcUnitStats {
  readonly gradNorm: Tensor;
  readonly paramNorm: Tensor;
  /** `λ·max(‖W_i‖, eps)`. */
  readonly maxNorm: Tensor;
  /** 1 when `‖G_i‖ < maxNorm`, else `maxNorm / max(‖G_i‖, 1e-6)`. */
  readonly scale: Tensor;
}

function unitNorm(x: Tensor, layout: AgcLayout): Tensor {
  const rank = x.rank;
  if (layout === 'timm') {
    if (rank <= 1) return tf.sqrt(tf.sum(tf.square(x)));
    return tf.sqrt(tf.sum(tf.square(x), Array.from({ length: rank - 1 }, (_, i) => i + 1), true));
  }
  const squeezedRank = x.shape.filter((d) => d !== 1).length;
  if (squeezedRank <= 1) return tf.sqrt(tf.sum(tf.square(x), undefined, true));
  if (rank === 2 || rank === 3) return tf.sqrt(tf.sum(tf.square(x), 0, true));
  if (rank === 4) return tf.sqrt(tf.sum(tf.square(x), [0, 1, 2], true));
  throw internalError('agc_rank', `AGC has no unit layout for rank-${rank} tensors (shape [${x.shape.join(', ')}])`);
}

/**
 * The per-unit norms and scale of one gradient/parameter pair (optax formula):
 * `max = λ·max(‖W_i‖, eps)`, `scale = ‖G_i‖ < max ? 1 : max / max(‖G_i‖, 1e-6)`.
 * Zero parameters get `max = λ·eps` (1e-5 for λ=0.01), so their gradients are clipped to it.
 * A NaN/inf gradient unit gets NaN/0 scale; other units are unaffected.
 */
export function agcUnitStats(grad: Tensor, param: Tensor, clipping: number, eps: number, layout: AgcLayout): AgcUnitStats {
  return tf.tidy(() => {
    const gradNorm = unitNorm(grad, layout);
    const paramNorm = unitNorm(param, layout);
    const maxNorm = tf.mul(tf.maximum(paramNorm, eps), clipping);
    const ratio = tf.div(maxNorm, tf.maximum(gradNorm, AGC_DIV_EPS));
    const scale = tf.where(tf.less(gradNorm, maxNorm), tf.onesLike(ratio), ratio);
    return { gradNorm, paramNorm, maxNorm, scale };
  });
}

/** The set of excluded indices for these gradients (explicit indices plus the final kernel). */
export function agcExcluded(grads: readonly Tensor[], options: AdaptiveGradClipOptions): Set<number> {
  const excluded = new Set(options.exclude ?? []);
  if (options.excludeFinal === true) {
    for (let i = grads.length - 1; i >= 0; i--) {
      if ((grads[i]?.rank ?? 0) >= 2) {
        excluded.add(i);
        break;
      }
    }
  }
  return excluded;
}

const FIELDS = schemaFields('agc');

/** The options with the clip schema's defaults filled in, validated by its bounds. */
function validate(options: AdaptiveGradClipOptions): Required<Omit<AdaptiveGradClipOptions, 'exclude'>> & { exclude: number[] } {
  const clipping = schemaOption('clipping', FIELDS.clipping, options.clipping, 'Use λ between 0.01 (large batches) and 0.16 (small batches).');
  const eps = schemaOption('eps', FIELDS.eps, options.eps, 'Use the paper value 1e-3.');
  const layout = schemaOption('layout', FIELDS.layout, options.layout, 'TF.js variables use the "optax" layout.');
  const excludeFinal = schemaOption('excludeFinal', FIELDS.excludeFinal, options.excludeFinal, 'Leave it out to clip the final layer too.');
  const exclude = [...(options.exclude ?? [])];
  if (!exclude.every((i) => Number.isInteger(i) && i >= 0)) invalidOption('exclude', 'a list of variable indices', exclude, 'Use 0-based indices in gradient order.');
  return { clipping, eps, layout, excludeFinal, exclude };
}

/**
 * Clips each unit's gradient relative to its parameter norm: for unit i (one output unit's
 * fan-in; a whole conv filter), if `‖G_i‖ ≥ λ·max(‖W_i‖, eps)` then
 * `G_i ← G_i · λ·max(‖W_i‖, eps) / max(‖G_i‖, 1e-6)`. Needs `ctx.vars` in gradient order.
 * Matches optax `adaptive_grad_clip` (and NFNets' `agc_optax.py`); `layout: 'timm'` matches
 * timm `adaptive_clip_grad` for PyTorch layouts. Direction is preserved per unit only.
 *
 * Readback: `coef` (smallest unit scale; 1 when nothing clipped), `clippedUnits` (count).
 * Declares `clipRateByDesign`: a step counts as clipped when any unit is, which is most steps.
 * @throws GclipError `invalid_clip_option` for a non-positive clipping/eps or a bad layout.
 */
export function adaptiveGradClip(options: AdaptiveGradClipOptions = {}): ClipStrategy<EmptyState> {
  const o = validate(options);
  return stateless('agc', o, (grads, ctx) =>
    tf.tidy(() => {
      if (ctx.vars.length !== grads.length) throw internalError('agc_vars', `AGC needs one variable per gradient: got ${ctx.vars.length} for ${grads.length}`);
      const excluded = agcExcluded(grads, o);
      let coef: Tensor = tf.scalar(1);
      let clippedUnits: Tensor = tf.scalar(0);
      const out = grads.map((g, i) => {
        if (excluded.has(i)) return g;
        const { scale, gradNorm, maxNorm } = agcUnitStats(g, ctx.vars[i] as Tensor, o.clipping, o.eps, o.layout);
        coef = tf.minimum(coef, tf.min(scale));
        clippedUnits = tf.add(clippedUnits, tf.sum(tf.cast(tf.logicalNot(tf.less(gradNorm, maxNorm)), 'float32')));
        return tf.mul(g, scale);
      });
      return { grads: out, readback: { coef: coef as tf.Scalar, clippedUnits: clippedUnits as tf.Scalar } };
    }),
    { clipRateByDesign: true },
  );
}
