/**
 * ZClip (strategy kind `zclip`): Kumar, Owen, Roy Chowdhury, Güra 2025, "ZClip: Adaptive Spike
 * Mitigation for LLM Pre-Training" (https://arxiv.org/abs/2504.02507), following
 * `bluorion-com/ZClip` `zclip/zclip.py` (commit 584ce4f), both of its modes.
 */
import { tf } from '../runtime/tf.js';
import type { Scalar, Tensor } from '../runtime/tf.js';
import type { ClipStrategy } from './types.js';
import { scaleGrads, torchClipCoef, totalNormFor, TORCH_NORM_EPS } from './global-norm.js';
import { schemaFields, schemaOption } from './options.js';

/** ZClip's two rules: z-score clipping (the paper) or a fixed band `μ + z_t·σ`. */
export type ZClipMode = 'zscore' | 'percentile';

/** Options of `zClip` (defaults: the reference code's, except the cap, which is off). */
export interface ZClipOptions {
  /**
   * 'zscore' (default): clip a spike (z > z_t) by `clipOption`. 'percentile' (the reference's
   * name; no percentile is involved): clip every norm above `μ + z_t·σ` to that value.
   */
  readonly mode?: ZClipMode;
  /** EMA smoothing α in (0, 1); default 0.97. */
  readonly alpha?: number;
  /** z-score above which a norm is a spike; default 2.5. */
  readonly zThreshold?: number;
  /** Norms collected before the EMAs start (no z-test meanwhile); default 25. */
  readonly warmupSteps?: number;
  /** Optional hard cap on the norm (reference `max_grad_norm`); default none (null). */
  readonly maxNorm?: number | null;
  /** zscore mode: 'adaptive_scaling' (default) clips to `μ + z_t²·σ/z`; 'mean' to μ. Ignored in percentile mode. */
  readonly clipOption?: 'adaptive_scaling' | 'mean';
  /** Multiplies the whole adaptive_scaling threshold (μ included); default 1. Ignored otherwise. */
  readonly clipFactor?: number;
  /** Do not update the EMAs on spikes; default false. */
  readonly skipUpdateOnSpike?: boolean;
  /** Keep NaN norms out of the EMAs and the warm-up buffer (default true; false = reference). */
  readonly guardNonFinite?: boolean;
}

/** ZClip's state: the warm-up buffer, then the EMAs of the norm's mean and variance. */
export interface ZClipState {
  readonly buffer: readonly number[];
  /** null during warm-up. */
  readonly mean: number | null;
  readonly variance: number | null;
}

/** The host-side decision of one step (float64), the fields the golden files check. */
export interface ZClipDecision {
  readonly phase: 'warmup' | 'warmup_init' | 'active';
  readonly meanBefore: number | null;
  readonly stdBefore: number | null;
  /** The z-score (zscore mode, active steps); null otherwise (percentile mode computes none). */
  readonly z: number | null;
  readonly spike: boolean;
  /** The ZClip value g* on a spike (percentile mode: `μ + z_t·σ`), else null. */
  readonly clipVal: number | null;
  /** The threshold clipped to (`min(g* or g, cap)`; the cap, or null, during warm-up). */
  readonly effectiveThreshold: number | null;
  readonly coef: number;
  readonly clippedNorm: number;
}

const EPS = 1e-6;
type Resolved = Required<Omit<ZClipOptions, 'maxNorm'>> & { readonly maxNorm: number | null };

const FIELDS = schemaFields('zclip');

/** The options with the clip schema's defaults filled in, validated by its bounds. */
function resolve(o: ZClipOptions): Resolved {
  return {
    mode: schemaOption('mode', FIELDS.mode, o.mode, 'Leave it out for the paper rule.'),
    alpha: schemaOption('alpha', FIELDS.alpha, o.alpha, 'The paper uses 0.97.'),
    zThreshold: schemaOption('zThreshold', FIELDS.zThreshold, o.zThreshold, 'The paper uses 2.5.'),
    warmupSteps: schemaOption('warmupSteps', FIELDS.warmupSteps, o.warmupSteps, 'The reference uses 25.'),
    maxNorm: schemaOption('maxNorm', FIELDS.maxNorm, o.maxNorm ?? undefined, 'Use a positive cap such as 1.0, or leave it out.') ?? null,
    clipOption: schemaOption('clipOption', FIELDS.clipOption, o.clipOption, 'Leave it out for the paper rule.'),
    clipFactor: schemaOption('clipFactor', FIELDS.clipFactor, o.clipFactor, 'The reference uses 1.'),
    skipUpdateOnSpike: schemaOption('skipUpdateOnSpike', FIELDS.skipUpdateOnSpike, o.skipUpdateOnSpike, 'Leave it out to follow the reference.'),
    // A library option, not a config field: gclip's guard unless a caller asks for the reference.
    guardNonFinite: o.guardNonFinite ?? true,
  };
}

/** Python's `min(a, b)`: `b` only when `b < a` (so `min(NaN, cap)` is NaN, as the reference). */
const pyMin = (a: number, b: number | null): number => (b !== null && b < a ? b : a);

function warmupDecision(state: ZClipState, g: number, o: Resolved): ZClipDecision {
  const phase = state.buffer.length + 1 >= o.warmupSteps ? 'warmup_init' : 'warmup';
  const coef = o.maxNorm === null ? 1 : Math.min(o.maxNorm / (g + TORCH_NORM_EPS), 1);
  return { phase, meanBefore: null, stdBefore: null, z: null, spike: false, clipVal: null, effectiveThreshold: o.maxNorm, coef, clippedNorm: g * coef };
}

type Spike = Pick<ZClipDecision, 'z' | 'spike' | 'clipVal'>;

/** zscore mode: `z = (g − μ)/(σ + 1e-6)`; a spike (z > z_t) gets g* by `clipOption`. */
function zscoreSpike(g: number, mean: number, std: number, o: Resolved): Spike {
  const z = (g - mean) / (std + EPS);
  const spike = z > o.zThreshold;
  const clipVal = !spike ? null : o.clipOption === 'mean' ? mean : (mean + (o.zThreshold * std) / (z / o.zThreshold)) * o.clipFactor;
  return { z, spike, clipVal };
}

/** percentile mode: the band `μ + z_t·σ` (no epsilon, no clip factor); above it is a spike. */
function percentileSpike(g: number, mean: number, std: number, o: Resolved): Spike {
  const band = mean + o.zThreshold * std;
  const spike = g > band;
  return { z: null, spike, clipVal: spike ? band : null };
}

/** One step's decision on the host, float64, exactly the reference arithmetic. Pure. */
export function zClipDecide(state: ZClipState, g: number, options: ZClipOptions): ZClipDecision {
  return decideWith(state, g, resolve(options));
}

function decideWith(state: ZClipState, g: number, o: Resolved): ZClipDecision {
  if (state.mean === null || state.variance === null) return warmupDecision(state, g, o);
  const mean = state.mean;
  const std = Math.sqrt(state.variance);
  const { z, spike, clipVal } = o.mode === 'percentile' ? percentileSpike(g, mean, std, o) : zscoreSpike(g, mean, std, o);
  const eff = pyMin(clipVal ?? g, o.maxNorm);
  const coef = g > eff ? eff / (g + EPS) : 1;
  return { phase: 'active', meanBefore: mean, stdBefore: std, z, spike, clipVal, effectiveThreshold: eff, coef, clippedNorm: g * coef };
}

function initEma(buffer: readonly number[]): ZClipState {
  const mean = buffer.reduce((s, x) => s + x, 0) / buffer.length;
  const variance = buffer.reduce((s, x) => s + (x - mean) ** 2, 0) / buffer.length;
  return { buffer: [], mean, variance };
}

/**
 * The state after a step with pre-clip global L2 norm `g` (pure, float64). Warm-up: g joins the
 * buffer; when it is full, μ = mean and σ² = population variance. Active: the EMAs take g* on a
 * spike, else g: `μ ← αμ + (1−α)x`, `σ² ← ασ² + (1−α)(x − μ_new)²`.
 * With `guardNonFinite` (default) a NaN g changes nothing and a non-finite g never enters the
 * buffer; an inf g is a spike clipped to μ, which the reference already handles safely.
 */
export function zClipNext(state: ZClipState, g: number, options: ZClipOptions): ZClipState {
  return nextWith(state, g, resolve(options));
}

function nextWith(state: ZClipState, g: number, o: Resolved): ZClipState {
  if (state.mean === null || state.variance === null) {
    if (o.guardNonFinite && !Number.isFinite(g)) return state;
    const buffer = [...state.buffer, g];
    return buffer.length >= o.warmupSteps ? initEma(buffer) : { buffer, mean: null, variance: null };
  }
  if (o.guardNonFinite && Number.isNaN(g)) return state;
  const d = decideWith(state, g, o);
  if (d.spike && o.skipUpdateOnSpike) return state;
  const x = d.clipVal ?? g;
  const mean = o.alpha * state.mean + (1 - o.alpha) * x;
  const variance = o.alpha * state.variance + (1 - o.alpha) * (x - mean) ** 2;
  return { buffer: [], mean, variance };
}

/** zscore mode in-graph: g* on a spike, else g. */
function zscoreBase(g: Scalar, mean: number, std: number, o: Resolved): Tensor {
  const z = tf.div(tf.sub(g, mean), std + EPS);
  const clipVal = o.clipOption === 'mean' ? tf.scalar(mean) : tf.mul(tf.add(mean, tf.div(o.zThreshold * std, tf.div(z, o.zThreshold))), o.clipFactor);
  return tf.where(tf.greater(z, o.zThreshold), clipVal, g);
}

/** percentile mode in-graph: the band when g exceeds it, else g (the band is host float64, rounded once). */
function percentileBase(g: Scalar, band: number): Tensor {
  return tf.where(tf.greater(g, band), tf.scalar(band), g);
}

/** In-graph threshold and coefficient of an active step (float32 mirror of `zClipDecide`). */
function activeCoef(g: Scalar, mean: number, variance: number, o: Resolved): { coef: Scalar; threshold: Scalar } {
  const std = Math.sqrt(variance);
  const base = o.mode === 'percentile' ? percentileBase(g, mean + o.zThreshold * std) : zscoreBase(g, mean, std, o);
  const eff = o.maxNorm === null ? base : tf.where(tf.less(o.maxNorm, base), tf.scalar(o.maxNorm), base);
  const coef = tf.where(tf.greater(g, eff), tf.div(eff, tf.add(g, EPS)), tf.onesLike(g));
  return { coef: coef as Scalar, threshold: eff as Scalar };
}

/**
 * ZClip: z-score clipping of the global L2 norm against EMAs of its mean and variance.
 * Warm-up (first `warmupSteps` norms): no z-test; only the optional cap, with torch semantics.
 * Then `z = (g − μ)/(σ + 1e-6)`; a spike (z > z_t) is clipped to `g* = (μ + z_t²·σ/z)·f`
 * (adaptive_scaling) or μ (mean). Mode percentile instead clips every g above the band
 * `g* = μ + z_t·σ` to the band (no epsilon; clipOption and clipFactor unused, as in the
 * reference). Either way the result is optionally capped: `eff = min(g* or g, maxNorm)`, and the gradients are
 * multiplied by `eff/(g + 1e-6)` only if `g > eff`. Host state is float64 (`zClipNext`).
 *
 * Differs from the reference: the cap is off by default (reference: 1.0), and NaN norms never
 * poison the EMAs (`guardNonFinite`; the reference's μ, σ² become NaN for good).
 * Readback: `coef`, `threshold` (eff; +Infinity during an uncapped warm-up), `norm` (g).
 * Declares `scalesUniformly` (every gradient × coef).
 */
export function zClip(options: ZClipOptions = {}): ClipStrategy<ZClipState> {
  const o = resolve(options);
  return {
    kind: 'zclip',
    options: o,
    scalesUniformly: true,
    init: () => ({ buffer: [], mean: null, variance: null }),
    apply: (grads: readonly Tensor[], state, ctx) =>
      tf.tidy(() => {
        const g = totalNormFor(grads, ctx, 2);
        const warm = state.mean === null || state.variance === null;
        const { coef, threshold } = !warm
          ? activeCoef(g, state.mean as number, state.variance as number, o)
          : o.maxNorm === null
            ? { coef: tf.scalar(1), threshold: tf.scalar(Infinity) }
            : { coef: torchClipCoef(g, o.maxNorm).clamped, threshold: tf.scalar(o.maxNorm) };
        return { grads: scaleGrads(grads, coef), readback: { coef, threshold, norm: tf.clone(g) } };
      }),
    next: (state, measured) => nextWith(state, measured.norm ?? measured.preClipNorm ?? Number.NaN, o),
  };
}
