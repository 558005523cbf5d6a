/**
 * AutoClip (strategy kind `autoclip`): Seetharaman, Wichern, Pardo, Le Roux 2020, "AutoClip:
 * Adaptive Gradient Clipping for Source Separation Networks" (https://arxiv.org/abs/2007.14469).
 * The threshold is the p-th percentile of the history of global L2 norms.
 */
import { tf } from '../runtime/tf.js';
import type { Scalar, Tensor } from '../runtime/tf.js';
import type { ClipStrategy } from './types.js';
import { torchClipCoef, totalNormFor, scaleGrads, TORCH_NORM_EPS } from './global-norm.js';
import { percentileLinear, percentileWithCurrent } from './percentile.js';
import { schemaFields, schemaOption } from './options.js';

/** Which norms enter the history: gclip's default keeps out non-finite and zero norms. */
export type AutoClipHistoryFilter = 'finite-positive' | 'all';

/** Options of `autoClip`. */
export interface AutoClipOptions {
  /** Percentile p in [0, 100]; default 10 (the paper's "set-and-forget" value). */
  readonly percentile?: number;
  /** Keep only the last `window` norms; default unbounded (the paper). */
  readonly window?: number;
  /** Include this step's norm in the percentile (paper: yes; pip package: no). Default true. */
  readonly includeCurrent?: boolean;
  /**
   * 'finite-positive' (default): NaN, ±inf and 0 norms are not stored, so one NaN cannot turn
   * every later threshold into NaN and zero-norm steps cannot freeze training at threshold 0.
   * 'all': the paper's behaviour, bit-exact with its reference script.
   */
  readonly historyFilter?: AutoClipHistoryFilter;
}

/** AutoClip's state: past global L2 norms in arrival order (at most `window`). */
export interface AutoClipState {
  readonly history: readonly number[];
}

/** The host-side numbers of one AutoClip step (float64). */
export interface AutoClipStep {
  readonly threshold: number;
  /** torch's `min(threshold/(N+1e-6), 1)` in float64. */
  readonly coef: number;
  readonly clippedNorm: number;
}

type Resolved = Required<Omit<AutoClipOptions, 'window'>> & { readonly window?: number };

const FIELDS = schemaFields('autoclip');

/** The options with the clip schema's defaults filled in, validated by its bounds. */
function resolve(options: AutoClipOptions): Resolved {
  const percentile = schemaOption('percentile', FIELDS.percentile, options.percentile, 'The paper recommends 10.');
  const window = schemaOption('window', FIELDS.window, options.window, 'Use e.g. 1000, or leave it out.');
  const includeCurrent = schemaOption('includeCurrent', FIELDS.includeCurrent, options.includeCurrent, 'Leave it out for the paper rule.');
  const historyFilter = schemaOption('historyFilter', FIELDS.historyFilter, options.historyFilter, "Leave it out for gclip's guarded default.");
  return window === undefined ? { percentile, includeCurrent, historyFilter } : { percentile, window, includeCurrent, historyFilter };
}

function thresholdOf(state: AutoClipState, norm: number, r: Resolved): number {
  if (!r.includeCurrent) return state.history.length === 0 ? Infinity : percentileLinear(state.history, r.percentile);
  return percentileLinear([...state.history, norm], r.percentile);
}

/** The threshold of a step in float64 (host), exactly the paper's rule (np.percentile). */
export function autoClipThreshold(state: AutoClipState, norm: number, o: AutoClipOptions): number {
  return thresholdOf(state, norm, resolve(o));
}

/** One step on the host: threshold, torch coefficient and clipped norm, all float64. */
export function autoClipStep(state: AutoClipState, norm: number, o: AutoClipOptions): AutoClipStep {
  const threshold = autoClipThreshold(state, norm, o);
  // Math.min propagates NaN, as torch's clamp does.
  const coef = Math.min(threshold / (norm + TORCH_NORM_EPS), 1);
  return { threshold, coef, clippedNorm: norm * coef };
}

/** The state after a step with pre-clip global L2 norm `norm` (pure). */
export function autoClipNext(state: AutoClipState, norm: number, o: AutoClipOptions): AutoClipState {
  return nextOf(state, norm, resolve(o));
}

function nextOf(state: AutoClipState, norm: number, r: Resolved): AutoClipState {
  const keep = r.historyFilter === 'all' || (Number.isFinite(norm) && norm > 0);
  if (!keep) return state;
  const history = [...state.history, norm];
  return { history: r.window === undefined ? history : history.slice(-r.window) };
}

/**
 * AutoClip: `η = percentile_p(history ∪ {N})`, then torch's global-norm clip to η
 * (`g ← g·min(η/(N+1e-6), 1)`, with its epsilon, as the reference script). N is the global L2
 * norm, whatever `ctx.normType`. The percentile including N is computed in-graph (no sync).
 * First step: η = N, coef N/(N+1e-6), a hair below 1.
 *
 * Differs from the paper by default (`historyFilter: 'finite-positive'`): NaN, ±inf and zero
 * norms never enter the history (the paper's NaN poisons every later threshold; zero norms
 * can pin the threshold at 0 and freeze training). The current step still uses its own norm.
 *
 * Readback: `coef`, `threshold` (η), `norm` (the L2 norm that `next` appends). Declares
 * `scalesUniformly` (every gradient × coef) and `clipRateByDesign` (it clips about
 * 1 − percentile/100 of the steps once its history fills).
 */
export function autoClip(options: AutoClipOptions = {}): ClipStrategy<AutoClipState> {
  const o = resolve(options);
  return {
    kind: 'autoclip',
    options: o,
    scalesUniformly: true,
    clipRateByDesign: true,
    init: () => ({ history: [] }),
    apply: (grads: readonly Tensor[], state, ctx) =>
      tf.tidy(() => {
        const norm = totalNormFor(grads, ctx, 2);
        const threshold: Scalar = o.includeCurrent
          ? percentileWithCurrent(state.history, norm, o.percentile)
          : tf.scalar(thresholdOf(state, 0, o));
        const coef = torchClipCoef(norm, threshold).clamped;
        return { grads: scaleGrads(grads, coef), readback: { coef, threshold, norm: tf.clone(norm) } };
      }),
    next: (state, measured) => nextOf(state, measured.norm ?? measured.preClipNorm ?? Number.NaN, o),
  };
}
