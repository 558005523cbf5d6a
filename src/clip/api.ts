/**
 * PyTorch-style one-call helpers for users' own tfjs loops: `clipGradNorm` (torch
 * `clip_grad_norm_`) and `clipGradValue` (torch `clip_grad_value_`). Unlike torch they are
 * not in-place: inputs are never disposed or mutated, and the caller owns every output.
 */
import { tf } from '../runtime/tf.js';
import type { NamedTensorMap, Scalar, Tensor } from '../runtime/tf.js';
import { GclipError } from '../errors.js';
import { measureNorms, normOrderValue, type NormOrder } from './norms.js';
import { torchClipCoef } from './global-norm.js';
import { clampGrad } from './value.js';

/** Gradients as a name → tensor map (tfjs `variableGrads`) or a list where `null` = no grad. */
export type GradInput = NamedTensorMap | readonly (Tensor | null)[];

/** Options of `clipGradNorm`. */
export interface ClipGradNormOptions {
  /** Norm order; default 2. Any value torch accepts: 'inf'/±Infinity, 0, 0.5, 1, 2, 3, … */
  readonly normType?: NormOrder;
  /** Throw instead of clipping when the total norm is NaN or ±inf (costs one readback). */
  readonly errorIfNonfinite?: boolean;
}

/** What `clipGradNorm` returns: gradients in the input's form and the pre-clip total norm. */
export interface ClipGradNormResult<G extends GradInput> {
  readonly grads: G extends NamedTensorMap ? NamedTensorMap : (Tensor | null)[];
  /** Total norm *before* clipping (0 when there are no gradients). */
  readonly totalNorm: Scalar;
}

/** `clipGradNormDetailed`'s result: adds the diagnostics torch computes internally. */
export interface ClipGradNormDetails<G extends GradInput> extends ClipGradNormResult<G> {
  /** Per-tensor norms of the present gradients, in input order, shape [k]. */
  readonly tensorNorms: tf.Tensor1D;
  /** `max/(N+1e-6)` before clamping. */
  readonly clipCoef: Scalar;
  /** The coefficient applied: `min(clipCoef, 1)`. */
  readonly clipCoefClamped: Scalar;
}

function isList(grads: GradInput): grads is readonly (Tensor | null)[] {
  return Array.isArray(grads);
}

/** The present gradients, and a function rebuilding the input's form from replacements. */
function unpack<G extends GradInput>(grads: G): { present: Tensor[]; rebuild: (out: Tensor[]) => ClipGradNormResult<G>['grads'] } {
  if (isList(grads)) {
    const present = grads.filter((g): g is Tensor => g !== null);
    const rebuild = (out: Tensor[]): (Tensor | null)[] => {
      let i = 0;
      return grads.map((g) => (g === null ? null : (out[i++] as Tensor)));
    };
    return { present, rebuild: rebuild as (out: Tensor[]) => ClipGradNormResult<G>['grads'] };
  }
  const map = grads as NamedTensorMap;
  const keys = Object.keys(map);
  const rebuild = (out: Tensor[]): NamedTensorMap => Object.fromEntries(keys.map((k, i) => [k, out[i] as Tensor]));
  return { present: keys.map((k) => map[k] as Tensor), rebuild: rebuild as (out: Tensor[]) => ClipGradNormResult<G>['grads'] };
}

function nonfiniteError(normType: NormOrder, total: number): GclipError {
  const order = normOrderValue(normType);
  return new GclipError('nonfinite_total_norm', [
    {
      path: 'errorIfNonfinite',
      message: `The total norm of order ${order} of the gradients is non-finite (${total}), so it cannot be clipped; the gradients were left untouched.`,
      hint: 'Find the source of the NaN/Inf, or pass errorIfNonfinite: false to clip anyway (NaN then spreads to every gradient, inf zeroes them).',
    },
  ]);
}

/**
 * Clips gradients by their total norm like PyTorch `clip_grad_norm_`, with all its quirks.
 *
 * Formula: `N = ‖(‖g_1‖_p, …, ‖g_k‖_p)‖_p`, `coef = min(max/(N+1e-6), 1)` (torch's float32
 * recipe, bit-exact), every gradient multiplied by coef unconditionally.
 * Edge cases (all as torch): no gradients → totalNorm 0, nothing to do; all-zero → untouched;
 * NaN anywhere → every output NaN; inf → finite entries ±0, inf entries NaN; float32 overflow
 * (|x| ≳ 1.8e19, p=2) → N = inf, all zeroed; maxNorm 0 → all ±0; maxNorm < 0 → signs flip;
 * maxNorm NaN → all NaN; maxNorm inf → untouched unless N is inf (then NaN). `null` entries
 * stay `null` and are skipped (a variable without a gradient).
 *
 * @returns the clipped gradients in the input's form (list or map) and the pre-clip total
 *   norm. New tensors owned by the caller; the input tensors are neither disposed nor changed.
 * @throws GclipError `nonfinite_total_norm` when `errorIfNonfinite` is set and N is NaN/±inf
 *   (inputs untouched; this option reads the norm back to the host, one sync).
 */
export function clipGradNorm<G extends GradInput>(grads: G, maxNorm: number, options: ClipGradNormOptions = {}): ClipGradNormResult<G> {
  const details = clipGradNormDetailed(grads, maxNorm, options);
  tf.dispose([details.tensorNorms, details.clipCoef, details.clipCoefClamped]);
  return { grads: details.grads, totalNorm: details.totalNorm };
}

/**
 * `clipGradNorm` plus the per-tensor norms and the raw and clamped coefficients (what the
 * golden files check). Same semantics, errors and ownership: the caller disposes everything.
 */
export function clipGradNormDetailed<G extends GradInput>(grads: G, maxNorm: number, options: ClipGradNormOptions = {}): ClipGradNormDetails<G> {
  const normType = options.normType ?? 2;
  const { present, rebuild } = unpack(grads);
  const { tensorNorms, totalNorm } = measureNorms(present, normType);
  if (options.errorIfNonfinite === true) {
    const total = totalNorm.dataSync()[0] ?? 0;
    if (!Number.isFinite(total)) {
      tf.dispose([tensorNorms, totalNorm]);
      throw nonfiniteError(normType, total);
    }
  }
  const { coef, clamped } = torchClipCoef(totalNorm, maxNorm);
  const out = present.map((g) => tf.mul(g, clamped));
  return { grads: rebuild(out), totalNorm, tensorNorms, clipCoef: coef, clipCoefClamped: clamped };
}

/**
 * Clamps every gradient entry to `[−clipValue, clipValue]` like PyTorch `clip_grad_value_`.
 *
 * Any number is accepted, as in torch: NaN entries stay NaN, ±inf → ±c, c = 0 gives ±0, and a
 * negative c sets *every* entry to −|c| (torch applies the max bound last). `null` stays null.
 * @returns new tensors in the input's form, owned by the caller; inputs untouched.
 */
export function clipGradValue<G extends GradInput>(grads: G, clipValue: number): ClipGradNormResult<G>['grads'] {
  const { present, rebuild } = unpack(grads);
  return rebuild(present.map((g) => clampGrad(g, clipValue)));
}
