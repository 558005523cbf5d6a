/**
 * Global-norm clipping: one coefficient for all gradients, computed from their total norm.
 * Three coefficient rules, all pure tensor math without a host readback:
 * - `torch`: PyTorch `clip_grad_norm_`, bit-exact float32 recipe (see `torchClipCoef`).
 * - `exact`: optax `clip_by_global_norm` (no epsilon; untouched iff N < max).
 * - `tf`: TensorFlow `tf.clip_by_global_norm` / Keras `global_clipnorm` (non-finite N → all NaN).
 */
import { tf } from '../runtime/tf.js';
import type { Scalar, Tensor } from '../runtime/tf.js';
import type { ClipContext, ClipOutput, ClipStrategy, FusedStep } from './types.js';
import { measureNorms, normOrderValue, sameNormOrder, type NormOrder } from './norms.js';
import { normTypeOption, schemaFields, schemaOption } from './options.js';
import { stateless, type EmptyState } from './stateless.js';
import { withFusedStep } from './fused-step.js';
import { fusedGlobalClip, fusedScale, type FusedClipAttrs } from '../runtime/kernels/global-clip.js';
import { normClipPack } from '../runtime/kernels/norm-clip-pack.js';

/** PyTorch's epsilon added to the total norm before dividing. */
export const TORCH_NORM_EPS = 1e-6;

/** How the clip coefficient is computed from the total norm N and the threshold. */
export type GlobalNormSemantics = 'torch' | 'exact' | 'tf';

/** The coefficient before and after clamping, as scalars owned by the caller. */
export interface ClipCoef {
  /** The raw coefficient (torch: `max/(N+1e-6)`, may exceed 1). */
  readonly coef: Scalar;
  /** The coefficient actually applied to every gradient. */
  readonly clamped: Scalar;
}

/**
 * PyTorch's clip coefficient, bit-exact in float32.
 *
 * Formula: `coef = fl32(fl32(1 / fl32(N + fl32(1e-6))) · fl32(max))` (torch evaluates
 * `max/(N+eps)` as `reciprocal(N+eps)·max`), `clamped = min(coef, 1)`. No lower clamp, so a
 * negative `maxNorm` flips signs (`maxNorm` may be a scalar tensor: adaptive thresholds); N = 0 gives coef 1e6·max → 1; N = inf gives 0; NaN gives NaN.
 */
export function torchClipCoef(totalNorm: Scalar, maxNorm: number | Scalar): ClipCoef {
  return tf.tidy(() => {
    const coef = tf.mul(tf.reciprocal(tf.add(totalNorm, TORCH_NORM_EPS)), maxNorm) as Scalar;
    return { coef, clamped: tf.minimum(coef, 1) as Scalar };
  });
}

/**
 * optax's coefficient: `1` when `N < max`, else `max/N` (no epsilon; at N = max the factor is
 * exactly 1). NaN N → NaN; inf N → 0 (inf entries then become NaN).
 */
export function exactClipCoef(totalNorm: Scalar, maxNorm: number): Scalar {
  return tf.tidy(() => tf.where(tf.less(totalNorm, maxNorm), tf.onesLike(totalNorm), tf.div(maxNorm, totalNorm)) as Scalar);
}

/**
 * TensorFlow's scale: `max · min(1/N, 1/max) + (N − N)`. The `(N − N)` term is NaN for a
 * non-finite N, so then every output is NaN (TF's deliberate error signal). N = 0 gives
 * `max·(1/max)`, which is 0.99999994 for some max (e.g. 0.85) rather than exactly 1.
 */
export function tfClipCoef(totalNorm: Scalar, maxNorm: number): Scalar {
  return tf.tidy(() => {
    const scale = tf.mul(maxNorm, tf.minimum(tf.reciprocal(totalNorm), tf.scalar(1 / maxNorm)));
    return tf.add(scale, tf.sub(totalNorm, totalNorm)) as Scalar;
  });
}

/** The applied coefficient of a semantics (see the three coefficient functions). */
export function globalClipCoef(totalNorm: Scalar, maxNorm: number, semantics: GlobalNormSemantics): Scalar {
  if (semantics === 'exact') return exactClipCoef(totalNorm, maxNorm);
  if (semantics === 'tf') return tfClipCoef(totalNorm, maxNorm);
  return tf.tidy(() => torchClipCoef(totalNorm, maxNorm).clamped);
}

/**
 * Multiplies every gradient by the scalar `coef` (always, even when it is 1: no branch, no
 * sync). One kernel on wasm/cpu (`fusedScale`, bit-identical), one `mul` per gradient elsewhere.
 */
export function scaleGrads(grads: readonly Tensor[], coef: Scalar): Tensor[] {
  return fusedScale(grads, coef) ?? grads.map((g) => tf.mul(g, coef));
}

/** Options of `clipByGlobalNorm`. */
export interface ClipByGlobalNormOptions {
  /** Threshold on the total norm; finite, > 0. */
  readonly maxNorm: number;
  /** Norm order of the total norm; default 2. `'inf'` clips by max|x|. */
  readonly normType?: NormOrder;
  /** Coefficient rule; default `'torch'`. */
  readonly semantics?: GlobalNormSemantics;
}

/** The total norm in the strategy's order: `ctx.totalNorm` when the orders agree (no recomputation). */
export function totalNormFor(grads: readonly Tensor[], ctx: ClipContext, normType: NormOrder): Scalar {
  if (sameNormOrder(normType, ctx.normType)) return ctx.totalNorm;
  const { tensorNorms, totalNorm } = measureNorms(grads, normType);
  tensorNorms.dispose();
  return totalNorm;
}

/**
 * The fused step of a global-norm clip: the step's norms, this clip and the pack in one
 * kernel (`normClipPack`), when the run measures in the clip's own norm order (then the
 * logged total norm is the one the coefficient is computed from).
 */
function globalNormStep(normType: NormOrder, clip: FusedClipAttrs): FusedStep {
  return (step) => (sameNormOrder(normType, step.normType) ? normClipPack(step, normOrderValue(step.normType), clip) : null);
}

const FIELDS = schemaFields('norm');

/**
 * Clips all gradients together by their total norm (strategy kind `norm`).
 *
 * torch (default): `g ← g · min(max/(N+1e-6), 1)`, always multiplied; matches PyTorch
 * `clip_grad_norm_` bit for bit in float32 (at N = max it still shrinks by max/(max+1e-6)).
 * exact: optax — untouched iff N < max, else `g·max/N`. tf: TF `clip_by_global_norm`.
 * Non-finite N: torch/exact zero the finite entries and NaN the inf ones (inf N) or NaN
 * everything (NaN N); tf makes everything NaN. Reuses `ctx.totalNorm` when `normType`
 * equals `ctx.normType`.
 *
 * Readback: `coef` (applied coefficient; exactly 1 when untouched), `threshold` (= maxNorm).
 * Cost: one kernel dispatch on wasm/cpu (`fusedGlobalClip`: coefficient and every product,
 * bit-identical to the ops), else 4 scalar ops plus one `mul` per gradient. Declares its
 * `fixedThreshold` (maxNorm), `scalesUniformly` and a `fusedStep` (norms, clip and pack of a
 * training step in one kernel on wasm/cpu).
 * @throws GclipError `invalid_clip_option` when maxNorm is not finite and > 0, or for an
 *   unknown normType or semantics.
 */
export function clipByGlobalNorm(options: ClipByGlobalNormOptions): ClipStrategy<EmptyState> {
  const maxNorm = schemaOption('maxNorm', FIELDS.maxNorm, options.maxNorm, 'Use a positive threshold such as 1.0.');
  const normType = normTypeOption(options.normType);
  const semantics = schemaOption('semantics', FIELDS.semantics, options.semantics, 'Use "torch" (PyTorch) or "exact" (TF/optax).');
  const clip: FusedClipAttrs = { rule: semantics, maxNorm, eps: TORCH_NORM_EPS };
  const strategy = stateless('norm', { maxNorm, normType, semantics }, (grads, ctx): ClipOutput =>
    tf.tidy(() => {
      const totalNorm = totalNormFor(grads, ctx, normType);
      const fused = fusedGlobalClip(grads, totalNorm, clip);
      if (fused) return { grads: fused.grads, readback: { coef: fused.coef, threshold: tf.scalar(maxNorm) } };
      const coef = globalClipCoef(totalNorm, maxNorm, semantics);
      return { grads: grads.map((g) => tf.mul(g, coef)), readback: { coef, threshold: tf.scalar(maxNorm) } };
    }),
    { fixedThreshold: maxNorm, scalesUniformly: true },
  );
  return withFusedStep(strategy, globalNormStep(normType, clip));
}
