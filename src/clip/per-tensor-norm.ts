/**
 * Per-variable norm clipping (strategy kind `tensor-norm`): Keras `clipnorm`, i.e.
 * `tf.clip_by_norm` applied to each gradient tensor on its own.
 */
import { tf } from '../runtime/tf.js';
import type { Tensor } from '../runtime/tf.js';
import type { ClipContext, ClipStrategy } from './types.js';
import { measureNorms, sameNormOrder } from './norms.js';
import { schemaFields, schemaOption } from './options.js';
import { stateless, type EmptyState } from './stateless.js';

/** Options of `clipPerTensorNorm`. */
export interface ClipPerTensorNormOptions {
  /** Threshold on each tensor's L2 norm; finite, > 0. */
  readonly maxNorm: number;
}

/** Per-tensor L2 norms: `ctx.tensorNorms` when the run measures L2, else measured here. */
export function l2TensorNorms(grads: readonly Tensor[], ctx: ClipContext): tf.Tensor1D {
  if (sameNormOrder(ctx.normType, 2)) return ctx.tensorNorms;
  const { tensorNorms, totalNorm } = measureNorms(grads, 2);
  totalNorm.dispose();
  return tensorNorms;
}

/**
 * The per-tensor factors `c / max(‖g_j‖₂, c)` (TF `clip_by_norm`: exact division, no epsilon;
 * a tensor whose norm equals c is untouched; all-zero tensors get factor 1). An inf norm gives
 * 0 (the inf entries then become NaN, the others 0), a NaN norm gives NaN — for that tensor only.
 */
export function perTensorFactors(tensorNorms: tf.Tensor1D, maxNorm: number): tf.Tensor1D {
  return tf.tidy(() => tf.div(maxNorm, tf.maximum(tensorNorms, maxNorm)) as tf.Tensor1D);
}

/**
 * Clips each gradient to L2 norm ≤ maxNorm independently: `g_j ← g_j · c / max(‖g_j‖₂, c)`.
 * Matches Keras (tf.keras ≥ 2.0, Keras 3) `clipnorm` and `tf.clip_by_norm`; differs from
 * standalone Keras ≤ 2.3, whose `clipnorm` was global (use `clipByGlobalNorm` for that).
 * Direction is preserved per tensor, not globally. Always L2, whatever `ctx.normType`.
 *
 * Readback: `coef` (the smallest per-tensor factor; 1 when nothing was clipped or there are
 * no gradients), `threshold` (= maxNorm, logged as read back: its float32 rounding).
 * @throws GclipError `invalid_clip_option` when maxNorm is not finite and > 0.
 */
export function clipPerTensorNorm(options: ClipPerTensorNormOptions): ClipStrategy<EmptyState> {
  const maxNorm = schemaOption('maxNorm', schemaFields('tensor-norm').maxNorm, options.maxNorm, 'Use a positive per-variable threshold such as 1.0.');
  return stateless('tensor-norm', { maxNorm }, (grads, ctx) =>
    tf.tidy(() => {
      if (grads.length === 0) return { grads: [], readback: { coef: tf.scalar(1), threshold: tf.scalar(maxNorm) } };
      const factors = perTensorFactors(l2TensorNorms(grads, ctx), maxNorm);
      const each = tf.unstack(factors);
      const out = grads.map((g, i) => tf.mul(g, each[i] as Tensor));
      return { grads: out, readback: { coef: tf.min(factors) as tf.Scalar, threshold: tf.scalar(maxNorm) } };
    }),
  );
}
