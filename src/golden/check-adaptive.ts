/**
 * Checkers of the adaptive golden kinds. `autoclip`: one step of the `autoClip` strategy on
 * real gradients. `autoclip_sequence` / `zclip_sequence`: float64 scalar simulations, checked
 * (1e-12 relative) against the strategies' host arithmetic while `next` drives the state; each
 * step also runs `apply` on a one-element gradient of that norm and checks the in-graph float32
 * threshold and coefficient with the float32 tolerance.
 */
import { tf } from '../runtime/tf.js';
import type { Tensor } from '../runtime/tf.js';
import { autoClip, autoClipStep, type AutoClipOptions, type AutoClipState } from '../clip/autoclip.js';
import { zClip, zClipDecide, type ZClipOptions, type ZClipState } from '../clip/zclip.js';
import { createClipContext } from '../clip/context.js';
import type { ClipStrategy, Measured } from '../clip/types.js';
import { compareExact, compareF32, compareF32Scalar, compareF64, type Failures } from './compare.js';
import { num, numOrNull, toTensorList, type GoldenCase } from './format.js';
import { compareTensorList, scalarValue } from './tensors.js';

/** Maps a golden AutoClip variant to options (reference-exact: every norm is stored). */
function autoClipOptions(c: GoldenCase): AutoClipOptions {
  const p = c.params;
  const variant = String(p.variant ?? 'paper_include_current');
  const percentile = p.percentile !== undefined ? num(p.percentile) : num(p.quantile ?? 0.1) * 100;
  const window = p.history_length ?? p.window;
  const base = { percentile, historyFilter: 'all' as const, ...(typeof window === 'number' ? { window } : {}) };
  if (variant === 'paper_include_current') return { ...base, includeCurrent: true };
  if (/exclude|package|quantile/.test(variant)) return { ...base, includeCurrent: false };
  throw new Error(`unsupported autoclip variant ${JSON.stringify(variant)}`);
}

/** Runs `apply` on a one-element gradient whose L2 norm is `norm`; returns the readback numbers. */
function applyOnNorm<S>(strategy: ClipStrategy<S>, state: S, norm: number, step: number): Record<string, number> {
  return tf.tidy(() => {
    const grads = [tf.tensor1d([norm])];
    const out = strategy.apply(grads, state, createClipContext(grads, { step }));
    return Object.fromEntries(Object.entries(out.readback).map(([k, v]) => [k, scalarValue(v)]));
  });
}

/** `autoclip`: one step on real gradients with the case's history, then `next`. */
export function checkAutoClip(c: GoldenCase, fails: Failures): void {
  const strategy = autoClip(autoClipOptions(c));
  const state: AutoClipState = { history: (c.inputs.history as unknown[]).map(num) };
  const list = toTensorList(c.inputs.grads);
  const grads = list.filter((t): t is Tensor => t !== null);
  const ctx = createClipContext(grads);
  const out = strategy.apply(grads, state, ctx);
  const rb = Object.fromEntries(Object.entries(out.readback).map(([k, v]) => [k, scalarValue(v)]));
  const e = c.expected;
  let j = 0;
  compareTensorList('grads', list.map((t) => (t === null ? null : (out.grads[j++] ?? null))), e.grads, fails, true);
  if ('threshold' in e) compareF32Scalar('threshold', rb.threshold ?? Number.NaN, e.threshold, fails);
  if ('current_norm' in e) compareF32Scalar('current_norm', rb.norm ?? Number.NaN, e.current_norm, fails);
  if ('total_norm_returned' in e) compareF32Scalar('total_norm_returned', scalarValue(ctx.totalNorm), e.total_norm_returned, fails);
  if ('clip_coef_clamped' in e) compareF32Scalar('clip_coef_clamped', rb.coef ?? Number.NaN, e.clip_coef_clamped, fails);
  const measured: Measured = { preClipNorm: scalarValue(ctx.totalNorm), ...rb };
  if (Array.isArray(e.history_after)) compareF32('history_after', strategy.next(state, measured).history, e.history_after, fails);
}

/** `autoclip_sequence`: per-step threshold, coef and clipped norm. */
export function checkAutoClipSequence(c: GoldenCase, fails: Failures): void {
  const options = autoClipOptions(c);
  const strategy = autoClip(options);
  const e = c.expected as Record<string, unknown[] | undefined>;
  let state = strategy.init([]);
  (c.inputs.sequence as unknown[]).map(num).forEach((g, i) => {
    const host = autoClipStep(state, g, options);
    if (e.thresholds) compareF64(`thresholds[${i}]`, host.threshold, e.thresholds[i], fails);
    if (e.coefs) compareF64(`coefs[${i}]`, host.coef, e.coefs[i], fails);
    if (e.clipped_norms) compareF64(`clipped_norms[${i}]`, host.clippedNorm, e.clipped_norms[i], fails);
    const rb = applyOnNorm(strategy, state, g, i);
    if (e.thresholds) compareF32Scalar(`apply threshold[${i}]`, rb.threshold ?? Number.NaN, e.thresholds[i], fails);
    if (e.coefs) compareF32Scalar(`apply coef[${i}]`, rb.coef ?? Number.NaN, e.coefs[i], fails);
    state = strategy.next(state, { preClipNorm: g, norm: g });
  });
}

function zClipOptions(c: GoldenCase): ZClipOptions {
  const p = c.params;
  if (num(p.eps ?? 1e-6) !== 1e-6) throw new Error(`unsupported zclip eps ${String(p.eps)}`);
  return {
    mode: (p.mode ?? 'zscore') as ZClipOptions['mode'],
    alpha: num(p.alpha ?? 0.97),
    zThreshold: num(p.z_thresh ?? 2.5),
    warmupSteps: num(p.warmup_steps ?? 25),
    maxNorm: numOrNull(p.max_grad_norm ?? null),
    clipOption: (p.clip_option ?? 'adaptive_scaling') as ZClipOptions['clipOption'],
    clipFactor: num(p.clip_factor ?? 1),
    skipUpdateOnSpike: p.skip_update_on_spike === true,
    guardNonFinite: false,
  };
}

/** `zclip_sequence`: the reference's per-step fields and the EMAs after every step. */
export function checkZClipSequence(c: GoldenCase, fails: Failures): void {
  const options = zClipOptions(c);
  const strategy = zClip(options);
  const e = c.expected as Record<string, unknown[] | undefined>;
  const f64 = (key: string, i: number, got: number | null): void => {
    if (e[key]) compareF64(`${key}[${i}]`, got, e[key][i], fails);
  };
  let state: ZClipState = strategy.init([]);
  (c.inputs.sequence as unknown[]).map(num).forEach((g, i) => {
    const d = zClipDecide(state, g, options);
    if (e.phase) compareExact(`phase[${i}]`, d.phase, e.phase[i], fails);
    if (e.spike) compareExact(`spike[${i}]`, d.spike, e.spike[i], fails);
    f64('mean_before', i, d.meanBefore);
    f64('std_before', i, d.stdBefore);
    f64('z', i, d.z);
    f64('clip_val', i, d.clipVal);
    f64('effective_threshold', i, d.effectiveThreshold);
    f64('coef', i, d.coef);
    f64('clipped_norm', i, d.clippedNorm);
    const rb = applyOnNorm(strategy, state, g, i);
    if (e.coef) compareF32Scalar(`apply coef[${i}]`, rb.coef ?? Number.NaN, e.coef[i], fails);
    const emaUpdated = d.phase === 'active' && !(d.spike && options.skipUpdateOnSpike === true);
    if (e.ema_updated) compareExact(`ema_updated[${i}]`, emaUpdated, e.ema_updated[i], fails);
    state = strategy.next(state, { preClipNorm: g, norm: g });
    f64('mean_after', i, state.mean);
    f64('var_after', i, state.variance);
  });
}
