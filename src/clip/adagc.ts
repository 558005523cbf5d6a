/**
 * AdaGC (strategy kind `adagc`): Wang, Li, Chen, Zeng, Yang, Yu, Ma, Shen 2025, "AdaGC:
 * Enhancing LLM Pretraining Stability via Adaptive Gradient Clipping"
 * (https://arxiv.org/abs/2502.11034), following the authors' code `lishuai-97/AdaGC`
 * (commit 32c249f, Megatron patch `megatron/optimizer/clip_grads.py`, class `AdaGC`).
 * Each tensor is clipped against an EMA of its own past clipped L2 norms, after a warm-up
 * of global clipping.
 */
import { tf } from '../runtime/tf.js';
import type { Scalar, Tensor } from '../runtime/tf.js';
import type { ClipStrategy, Measured } from './types.js';
import { scaleGrads, totalNormFor } from './global-norm.js';
import { l2TensorNorms } from './per-tensor-norm.js';
import { schemaFields, schemaOption } from './options.js';
import type { AutoClipHistoryFilter } from './autoclip.js';

/** Options of `adaGC` (defaults: the authors' code and run scripts). */
export interface AdaGCOptions {
  /** λ_rel: a tensor is clipped when its norm exceeds λ_rel·γ; default 1.04 (reference `clip_ratio`). */
  readonly clipRatio?: number;
  /** EMA coefficient β in [0, 1); default 0.99 (reference `clip_beta`). */
  readonly beta?: number;
  /** Steps of global clipping before the per-tensor rule; default 100 (reference `start_clip_steps`). */
  readonly warmupSteps?: number;
  /** λ_abs: the warm-up's global norm threshold; default 1.0 (Megatron `--clip-grad` in the reference scripts). */
  readonly maxNorm?: number;
  /**
   * 'finite-positive' (default): only finite norms > 0 enter γ, so a NaN step cannot make a
   * tensor's γ NaN for good and a zero step cannot pin it at 0. 'all': the reference.
   */
  readonly historyFilter?: AutoClipHistoryFilter;
}

/** AdaGC's state: the step count (saturating at the warm-up length) and γ per tensor. */
export interface AdaGCState {
  /** Steps seen, saturating at `warmupSteps` (the warm-up is over when they are equal). */
  readonly step: number;
  /** Per tensor, in gradient order: the warm-up minimum, then the EMA; null while it has none. */
  readonly gamma: readonly (number | null)[];
}

/** The division guard of the reference (`eps`): `coef = thr/(‖g‖ + 1e-6)`. */
export const ADAGC_EPS = 1e-6;

type Resolved = Required<AdaGCOptions>;

const FIELDS = schemaFields('adagc');

/** The options with the clip schema's defaults filled in, validated by its bounds. */
function resolve(o: AdaGCOptions): Resolved {
  return {
    clipRatio: schemaOption('clipRatio', FIELDS.clipRatio, o.clipRatio, 'The reference uses 1.04 (the paper 1.05).'),
    beta: schemaOption('beta', FIELDS.beta, o.beta, 'The reference uses 0.99.'),
    warmupSteps: schemaOption('warmupSteps', FIELDS.warmupSteps, o.warmupSteps, 'The reference uses 100.'),
    maxNorm: schemaOption('maxNorm', FIELDS.maxNorm, o.maxNorm, 'The reference scripts use 1.0.'),
    historyFilter: schemaOption('historyFilter', FIELDS.historyFilter, o.historyFilter, "Leave it out for gclip's guarded default."),
  };
}

/** The readback key of tensor i's clipped norm (the value that enters its γ). */
export const adaGCNormKey = (i: number): string => `clippedNorm${i}`;

const f = Math.fround;

/**
 * γ's EMA in float32, op for op as the reference's tensor arithmetic:
 * `fl(fl(γ·fl(β)) + fl(x·fl(1−β)))`, with 1−β taken in float64 first (a Python float).
 */
function ema(gamma: number, x: number, beta: number): number {
  return f(f(gamma * f(beta)) + f(x * f(1 - beta)));
}

/** Whether the clipped norm `x` may enter γ under the filter. */
const enters = (x: number, filter: AutoClipHistoryFilter): boolean => filter === 'all' || (Number.isFinite(x) && x > 0);

/** The clipped norms of a step's readback, in tensor order. */
function clippedNorms(measured: Measured): number[] {
  const out: number[] = [];
  for (let i = 0; measured[adaGCNormKey(i)] !== undefined; i++) out.push(measured[adaGCNormKey(i)]!);
  return out;
}

/**
 * The state after a step whose tensors' clipped norms were `norms` (pure host arithmetic).
 * Warm-up: γ_i = min(γ_i, x_i) (the first x_i when γ_i is null). After it: γ_i ← β·γ_i +
 * (1−β)·x_i in float32, γ_i = x_i first when it was null. Under 'finite-positive' an x_i
 * that is NaN, ±inf or 0 leaves γ_i as it is.
 */
export function adaGCNext(state: AdaGCState, norms: readonly number[], options: AdaGCOptions): AdaGCState {
  const o = resolve(options);
  const warm = state.step < o.warmupSteps;
  const gamma = norms.map((x, i) => {
    const g = state.gamma[i] ?? null;
    if (!enters(x, o.historyFilter)) return g;
    if (warm) return g === null || x < g ? x : g;
    return ema(g ?? x, x, o.beta);
  });
  return { step: Math.min(state.step + 1, o.warmupSteps), gamma };
}

/** Per-tensor readback scalars `clippedNorm<i>`. */
function perTensor(clipped: Tensor): Record<string, Scalar> {
  return Object.fromEntries(tf.unstack(clipped).map((x, i) => [adaGCNormKey(i), x as Scalar]));
}

/** The warm-up: the reference's global clip, `c = λ_abs/(N + 1e-6)` applied only when c < 1 (NaN: not applied). */
function warmupApply(grads: readonly Tensor[], norms: Tensor, total: Scalar, o: Resolved) {
  const raw = tf.div(o.maxNorm, tf.add(total, ADAGC_EPS));
  const coef = tf.where(tf.less(raw, 1), raw, tf.onesLike(raw)) as Scalar;
  return { grads: scaleGrads(grads, coef), readback: { coef, threshold: tf.scalar(o.maxNorm), ...perTensor(tf.mul(norms, coef)) } };
}

/** After the warm-up: per tensor, clip to `thr = fl(λ_rel·γ)` when `‖g‖ > thr` (γ null: never). */
function adaptiveApply(grads: readonly Tensor[], norms: Tensor, state: AdaGCState, o: Resolved) {
  const gamma = tf.tensor1d(grads.map((_, i) => state.gamma[i] ?? Infinity));
  const thr = tf.mul(gamma, o.clipRatio);
  const over = tf.greater(norms, thr);
  const factors = tf.where(over, tf.div(thr, tf.add(norms, ADAGC_EPS)), tf.onesLike(norms));
  const each = tf.unstack(factors);
  const readback = { coef: tf.min(factors) as Scalar, threshold: tf.norm(thr) as Scalar, ...perTensor(tf.where(over, thr, norms)) };
  return { grads: grads.map((g, i) => tf.mul(g, each[i]!)), readback };
}

/**
 * AdaGC: per-tensor clipping against an EMA of each tensor's own clipped L2 norms.
 *
 * Warm-up (the first `warmupSteps` steps): global clipping, every gradient × `λ_abs/(N+1e-6)`
 * when that is < 1 (N the global L2 norm); γ_i tracks the smallest clipped norm of tensor i.
 * Then per tensor: `thr_i = λ_rel·γ_i`; when `‖g_i‖ > thr_i` (strict), `g_i ← g_i·thr_i/(‖g_i‖
 * + 1e-6)` and x_i = thr_i, else x_i = ‖g_i‖; `γ_i ← β·γ_i + (1−β)·x_i`. γ_i is float32
 * arithmetic as in the reference; a tensor without γ (none yet) is not clipped and starts
 * its EMA at its norm. Always L2, whatever `ctx.normType`.
 *
 * Non-finite norms: an inf norm is clipped (factor 0: finite entries 0, inf entries NaN) and
 * γ takes thr, as in the reference. Differs from the reference by default
 * (`historyFilter: 'finite-positive'`): NaN, inf and 0 clipped norms never enter γ (the
 * reference's γ becomes NaN for good after one NaN gradient and stays 0 after an all-zero
 * warm-up step, which then zeroes that tensor's gradients for the rest of the run).
 *
 * Readback: `coef` (the smallest factor: the global one in the warm-up), `threshold`
 * (λ_abs in the warm-up; then ‖(λ_rel·γ_i)_i‖₂, the largest global norm the step can pass,
 * +Infinity while a tensor has no γ) and `clippedNorm<i>` per tensor (what `next` feeds γ).
 * @throws GclipError `invalid_clip_option` for options out of range.
 */
export function adaGC(options: AdaGCOptions = {}): ClipStrategy<AdaGCState> {
  const o = resolve(options);
  return {
    kind: 'adagc',
    options: o,
    init: (vars) => ({ step: 0, gamma: vars.map(() => null) }),
    apply: (grads, state, ctx) =>
      tf.tidy(() => {
        if (grads.length === 0) return { grads: [], readback: { coef: tf.scalar(1), threshold: tf.scalar(o.maxNorm) } };
        const norms = l2TensorNorms(grads, ctx);
        if (state.step < o.warmupSteps) return warmupApply(grads, norms, totalNormFor(grads, ctx, 2), o);
        return adaptiveApply(grads, norms, state, o);
      }),
    next: (state, measured) => adaGCNext(state, clippedNorms(measured), o),
  };
}
