/**
 * Tensor norm kernels shared by the training loop and the clip strategies.
 *
 * Every function here is pure tensor math: it returns new tensors owned by the caller,
 * never reads a value back to the host and never disposes its inputs. They run at every
 * training step, so they keep the op count low (each tfjs op costs tens of µs of dispatch
 * on small models): per tensor 2 ops for p ∈ {1, 2, ±inf}, 3 for a general p, and a
 * constant number of ops for the totals.
 */
import { tf } from '../runtime/tf.js';
import type { Scalar, Tensor } from '../runtime/tf.js';
import type { NormType } from '../config/schema.js';

/** A norm order: the config's `NormType` (`'inf'` or a number) or any JS number (±Infinity). */
export type NormOrder = NormType | number;

/** The order as a plain number: `'inf'` → `Infinity`. */
export function normOrderValue(normType: NormOrder): number {
  return normType === 'inf' ? Infinity : normType;
}

/** True when two norm orders denote the same norm (`'inf'` equals `Infinity`). */
export function sameNormOrder(a: NormOrder, b: NormOrder): boolean {
  return normOrderValue(a) === normOrderValue(b);
}

/**
 * Reduces `x` along `axis` (all axes when omitted) with the part of the p-norm that is
 * *additive*: Σ|x| (p=1), Σx² (p=2), Σ|x|^p (general p), max|x| (inf), min|x| (−inf),
 * count of non-zero entries (p=0). `finishNorm` turns that into the norm.
 */
function reduceNormPart(x: Tensor, p: number, axis?: number | number[], keepDims = false): Tensor {
  if (p === 2) return tf.sum(tf.square(x), axis, keepDims);
  if (p === 1) return tf.sum(tf.abs(x), axis, keepDims);
  if (p === Infinity) return tf.max(tf.abs(x), axis, keepDims);
  if (p === -Infinity) return tf.min(tf.abs(x), axis, keepDims);
  if (p === 0) return tf.sum(tf.cast(tf.notEqual(x, 0), 'float32'), axis, keepDims);
  return tf.sum(tf.pow(tf.abs(x), p), axis, keepDims);
}

/** Turns `reduceNormPart`'s result into the norm: sqrt for p=2, ^(1/p) for a general p. */
function finishNorm(part: Tensor, p: number): Tensor {
  if (p === 2) return tf.sqrt(part);
  if (p === 1 || p === 0 || !Number.isFinite(p)) return part;
  return tf.pow(part, 1 / p);
}

/**
 * The p-norm of `x` along `axis` (default: over the flattened tensor), float32.
 *
 * Formula: p=2 `sqrt(Σx²)`; p=1 `Σ|x|`; p='inf' `max|x|`; p=−Infinity `min|x|`; p=0 the
 * number of non-zero entries; any other p `(Σ|x|^p)^(1/p)` (built by hand: `tf.norm` has no
 * general p). Matches `torch.linalg.vector_norm` including float32 behaviour: entries above
 * ~1.8e19 square to inf (p=2), entries below ~1e-23 square to 0. NaN anywhere gives NaN;
 * ±inf gives inf (NaN for p=0 never: inf counts as non-zero).
 *
 * @returns a scalar (or the reduced tensor when `axis` is given) owned by the caller.
 */
export function tensorNorm(x: Tensor, normType: NormOrder, axis?: number | number[], keepDims = false): Tensor {
  const p = normOrderValue(normType);
  return tf.tidy(() => finishNorm(reduceNormPart(x, p, axis, keepDims), p));
}

/** Per-tensor norms and their total, as returned by `measureNorms`. */
export interface MeasuredNorms {
  /** `‖g_j‖_p` for each gradient, shape [k] (k = 0 for an empty list). */
  readonly tensorNorms: tf.Tensor1D;
  /** `‖(‖g_1‖_p, …, ‖g_k‖_p)‖_p`: the total norm; 0 for an empty list. */
  readonly totalNorm: Scalar;
}

/**
 * Measures the per-tensor norms of `grads` and their total norm, PyTorch style.
 *
 * Formula: `n_j = ‖g_j‖_p`, `N = ‖(n_1 … n_k)‖_p` (a norm of the per-tensor norms, which for
 * p > 0 equals the p-norm of all entries concatenated; for p='inf' it is max|x|).
 * Matches `torch.nn.utils.get_total_norm` / the first half of `clip_grad_norm_`
 * (`clip_grad_norm_` with p=0 counts the non-zero *tensors*, and so does this).
 *
 * Edge cases: an empty list gives `tensorNorms` of shape [0] and `totalNorm` 0 (torch
 * returns `tensor(0.)`); NaN in any gradient makes its n_j and N NaN; ±inf makes them inf;
 * float32 overflow (|x| ≳ 1.8e19 at p=2) gives an inf N although every entry is finite.
 *
 * Cost: 2 ops per tensor (3 for a general p) plus ~4 for the totals; no host readback.
 * @returns new tensors owned by the caller; the inputs are neither disposed nor changed.
 */
export function measureNorms(grads: readonly Tensor[], normType: NormOrder): MeasuredNorms {
  const p = normOrderValue(normType);
  return tf.tidy(() => {
    if (grads.length === 0) return { tensorNorms: tf.tensor1d([]), totalNorm: tf.scalar(0) };
    // Reduce each tensor to its additive part, finish all norms in one op on the stack.
    const parts = tf.stack(grads.map((g) => reduceNormPart(g, p)));
    const tensorNorms = finishNorm(parts, p) as tf.Tensor1D;
    const totalNorm = finishNorm(reduceNormPart(tensorNorms, p), p) as Scalar;
    return { tensorNorms, totalNorm };
  });
}

/**
 * Combines per-tensor norms into per-group norms (a layer = several variables, e.g. a Dense
 * kernel and its bias): `L_i = ‖(n_j for j in groups[i])‖_p`, which for p > 0 is the p-norm
 * of all the layer's gradient entries.
 *
 * An empty group has norm 0 (−inf norm: +inf, the identity of min). Indices must be in
 * `[0, k)`; a tensor may belong to several groups. NaN/inf propagate within their group only.
 * Cost: a constant 4–6 ops whatever the number of groups (one padded gather, one reduce).
 * @returns a new [groups.length] tensor owned by the caller.
 */
export function layerNorms(tensorNorms: tf.Tensor1D, groups: readonly (readonly number[])[], normType: NormOrder): tf.Tensor1D {
  const p = normOrderValue(normType);
  const k = tensorNorms.shape[0];
  const width = Math.max(1, ...groups.map((g) => g.length));
  if (groups.length === 0) return tf.tensor1d([]);
  // Pad every group to `width` with index k, which points at the reduction's neutral value.
  const index = groups.map((g) => Array.from({ length: width }, (_, i) => g[i] ?? k));
  return tf.tidy(() => {
    const neutral = tf.scalar(p === -Infinity ? Infinity : 0);
    const padded = tf.concat([tensorNorms, tf.reshape(neutral, [1])]);
    const rows = tf.gather(padded, tf.tensor2d(index, [groups.length, width], 'int32'));
    return finishNorm(reduceNormPart(rows, p, 1), p) as tf.Tensor1D;
  });
}
