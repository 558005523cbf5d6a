/**
 * Checkers of the PyTorch golden kinds: `torch.clip_grad_norm_` (grads, norms, coefficients,
 * `raises`) and `torch.clip_grad_value_` (grads), run through the library API.
 */
import type { Tensor } from '../runtime/tf.js';
import { clipGradNormDetailed, clipGradValue } from '../clip/api.js';
import { measureNorms } from '../clip/norms.js';
import { isGclipError } from '../errors.js';
import { compareExact, compareF32Scalar, type Failures } from './compare.js';
import { num, toTensorList, type GoldenCase } from './format.js';
import { compareNumberList, compareTensorList, scalarValue, values } from './tensors.js';

function present(list: readonly (Tensor | null)[]): Tensor[] {
  return list.filter((t): t is Tensor => t !== null);
}

/** Expected per-tensor norms may list nulls for missing gradients: keep the present ones. */
function presentNorms(exp: unknown): unknown {
  return Array.isArray(exp) ? exp.filter((v) => v !== null) : exp;
}

function checkRaises(grads: (Tensor | null)[], maxNorm: number, normType: number, c: GoldenCase, fails: Failures): void {
  try {
    clipGradNormDetailed(grads, maxNorm, { normType, errorIfNonfinite: true });
    fails.push(`raises: expected ${String(c.expected.raises)}, nothing was thrown`);
  } catch (e) {
    if (!isGclipError(e)) throw e;
    compareExact('raises.code', e.code, 'nonfinite_total_norm', fails);
    if (!e.message.includes('errorIfNonfinite')) fails.push('raises: the message does not name errorIfNonfinite');
  }
  compareTensorList('grads (untouched after raise)', grads, c.expected.grads, fails, true);
}

/** `torch.clip_grad_norm_`: every field torch computes, through `clipGradNormDetailed`. */
export function checkTorchClipGradNorm(c: GoldenCase, fails: Failures): void {
  const grads = toTensorList(c.inputs.grads);
  const maxNorm = num(c.params.max_norm);
  const normType = num(c.params.norm_type ?? 2);
  const errorIfNonfinite = c.params.error_if_nonfinite === true;
  if (c.expected.raises !== null && c.expected.raises !== undefined) {
    checkRaises(grads, maxNorm, normType, c, fails);
    return;
  }
  const r = clipGradNormDetailed(grads, maxNorm, { normType, errorIfNonfinite });
  const e = c.expected;
  compareTensorList('grads', r.grads, e.grads, fails, true);
  if ('total_norm' in e) compareF32Scalar('total_norm', scalarValue(r.totalNorm), e.total_norm, fails);
  if ('per_tensor_norms' in e) compareNumberList('per_tensor_norms', values(r.tensorNorms), presentNorms(e.per_tensor_norms), fails);
  if ('clip_coef' in e) compareF32Scalar('clip_coef', scalarValue(r.clipCoef), e.clip_coef, fails);
  if ('clip_coef_clamped' in e) compareF32Scalar('clip_coef_clamped', scalarValue(r.clipCoefClamped), e.clip_coef_clamped, fails);
  if ('clipped_total_norm' in e) {
    const post = measureNorms(present(r.grads), normType).totalNorm;
    compareF32Scalar('clipped_total_norm', scalarValue(post), e.clipped_total_norm, fails);
  }
}

/** `torch.clip_grad_value_`: the clamped grads (torch returns None). */
export function checkTorchClipGradValue(c: GoldenCase, fails: Failures): void {
  const grads = toTensorList(c.inputs.grads);
  const out = clipGradValue(grads, num(c.params.clip_value));
  compareTensorList('grads', out, c.expected.grads, fails, true);
}
