/**
 * Checker of the `adagc_sequence` kind: the `adaGC` strategy driven step by step over the
 * case's gradients (reference-exact: `historyFilter: 'all'`), checking every step's clipped
 * gradients, total norm, phase and γ of every tensor after `next` with the float32 tolerance.
 */
import { tf } from '../runtime/tf.js';
import { adaGC, ADAGC_EPS, type AdaGCOptions, type AdaGCState } from '../clip/adagc.js';
import { createClipContext } from '../clip/context.js';
import { compareExact, compareF32Scalar, compareNullableF32, type Failures } from './compare.js';
import { num, toTensorList, type GoldenCase } from './format.js';
import { compareTensorList, scalarValue } from './tensors.js';

/** The case's reference options as `adaGC` options; constants gclip fixes must match. */
function adaGCOptions(c: GoldenCase): AdaGCOptions {
  const p = c.params;
  if (num(p.eps ?? ADAGC_EPS) !== ADAGC_EPS) throw new Error(`unsupported adagc eps ${String(p.eps)} (gclip uses ${ADAGC_EPS})`);
  if (num(p.norm_type ?? 2) !== 2) throw new Error(`unsupported adagc norm_type ${String(p.norm_type)} (AdaGC is L2)`);
  return {
    clipRatio: num(p.clip_ratio ?? 1.04),
    beta: num(p.beta ?? 0.99),
    warmupSteps: num(p.start_clip_steps ?? 100),
    maxNorm: num(p.max_norm ?? 1),
    historyFilter: 'all',
  };
}

/** `adagc_sequence`: per step, the clipped gradients, the returned total norm, the phase and γ after. */
export function checkAdaGCSequence(c: GoldenCase, fails: Failures): void {
  const options = adaGCOptions(c);
  const strategy = adaGC(options);
  const e = c.expected as Record<string, unknown[]>;
  let state: AdaGCState = strategy.init([]);
  (c.inputs.grads as unknown[]).forEach((stepGrads, s) => {
    tf.tidy(() => {
      const grads = toTensorList(stepGrads).filter((t) => t !== null);
      const ctx = createClipContext(grads, { step: s });
      compareExact(`phase[${s}]`, state.step < options.warmupSteps! ? 'warmup' : 'active', e.phase?.[s], fails);
      const out = strategy.apply(grads, state, ctx);
      compareTensorList(`grads[${s}]`, out.grads, e.grads?.[s], fails, true);
      const total = scalarValue(ctx.totalNorm);
      compareF32Scalar(`total_norm[${s}]`, total, e.total_norm?.[s], fails);
      const measured = Object.fromEntries(Object.entries(out.readback).map(([k, v]) => [k, scalarValue(v)]));
      state = strategy.next(state, { preClipNorm: total, ...measured });
      compareNullableF32(`gamma_after[${s}]`, state.gamma, (e.gamma_after?.[s] ?? []) as unknown[], fails);
    });
  });
}
