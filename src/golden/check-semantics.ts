/**
 * Checkers of the other frameworks' rules, run through gclip's strategies:
 * `tf.clip_by_global_norm` → `clipByGlobalNorm` with semantics 'tf',
 * `optax.clip_by_global_norm` → semantics 'exact', `keras.clipnorm` → `clipPerTensorNorm`.
 */
import type { Tensor } from '../runtime/tf.js';
import { clipByGlobalNorm } from '../clip/global-norm.js';
import { clipPerTensorNorm } from '../clip/per-tensor-norm.js';
import { createClipContext } from '../clip/context.js';
import type { ClipStrategy } from '../clip/types.js';
import { compareF32Scalar, type Failures } from './compare.js';
import { num, toTensorList, type GoldenCase } from './format.js';
import { compareNumberList, compareTensorList, scalarValue, values } from './tensors.js';

interface Applied {
  readonly grads: (Tensor | null)[];
  readonly ctx: ReturnType<typeof createClipContext>;
  readonly readback: Readonly<Record<string, Tensor>>;
}

/** Runs a stateless strategy on the case's gradients (nulls skipped and kept in place). */
export function applyToCase(strategy: ClipStrategy, c: GoldenCase, normType: number | 'inf' = 2, vars?: (Tensor | null)[]): Applied {
  const list = toTensorList(c.inputs.grads);
  const present = list.filter((t): t is Tensor => t !== null);
  const presentVars = vars?.filter((_, i) => list[i] !== null).filter((t): t is Tensor => t !== null);
  const ctx = createClipContext(present, { normType, ...(presentVars ? { vars: presentVars } : {}) });
  const out = strategy.apply(present, strategy.init(presentVars ?? []), ctx);
  let i = 0;
  const grads = list.map((t) => (t === null ? null : (out.grads[i++] ?? null)));
  return { grads, ctx, readback: out.readback };
}

function checkGlobal(c: GoldenCase, fails: Failures, semantics: 'tf' | 'exact', maxKey: string): void {
  const strategy = clipByGlobalNorm({ maxNorm: num(c.params[maxKey]), semantics });
  const r = applyToCase(strategy as ClipStrategy, c);
  compareTensorList('grads', r.grads, c.expected.grads, fails, true);
  const e = c.expected;
  for (const key of ['global_norm', 'total_norm', 'norm']) {
    if (key in e) compareF32Scalar(key, scalarValue(r.ctx.totalNorm), e[key], fails);
  }
  if ('scale' in e && r.readback.coef) compareF32Scalar('scale', scalarValue(r.readback.coef), e.scale, fails);
}

/** `tf.clip_by_global_norm`: grads, global norm and scale (all NaN when N is not finite). */
export function checkTfClipByGlobalNorm(c: GoldenCase, fails: Failures): void {
  checkGlobal(c, fails, 'tf', 'clip_norm');
}

/** `optax.clip_by_global_norm`: grads (exact division, untouched iff N < max). */
export function checkOptaxClipByGlobalNorm(c: GoldenCase, fails: Failures): void {
  checkGlobal(c, fails, 'exact', 'max_norm');
}

/** `keras.clipnorm`: each tensor clipped on its own; grads and per-tensor norms. */
export function checkKerasClipnorm(c: GoldenCase, fails: Failures): void {
  const r = applyToCase(clipPerTensorNorm({ maxNorm: num(c.params.clipnorm) }) as ClipStrategy, c);
  compareTensorList('grads', r.grads, c.expected.grads, fails, true);
  if ('per_tensor_norms' in c.expected) {
    const exp = c.expected.per_tensor_norms;
    compareNumberList('per_tensor_norms', values(r.ctx.tensorNorms), Array.isArray(exp) ? exp.filter((v) => v !== null) : exp, fails);
  }
}
