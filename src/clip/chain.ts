/**
 * Composition of strategies (kind `chain`), optax `chain` style: gradients flow through the
 * children in order and the chained state is the tuple of the children's states.
 */
import { tf } from '../runtime/tf.js';
import type { Scalar, Tensor } from '../runtime/tf.js';
import type { ClipContext, ClipStrategy, Measured } from './types.js';
import { internalError } from '../errors.js';
import { measureNorms } from './norms.js';
import { invalidOption } from './options.js';

/** The chained state: one entry per child, in order. */
export type ChainState = readonly unknown[];

/** The context for child i > 0: norms of the gradients as the previous child left them. */
function stageContext(grads: readonly Tensor[], ctx: ClipContext): ClipContext {
  const { tensorNorms, totalNorm } = measureNorms(grads, ctx.normType);
  return { ...ctx, tensorNorms, totalNorm };
}

/** The measured numbers child i sees: its own keys unprefixed, its stage's pre-norm as preClipNorm. */
function childMeasured(measured: Measured, i: number): Measured {
  const prefix = `${i}.`;
  const own = Object.entries(measured).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]);
  const child = Object.fromEntries(own) as Record<string, number>;
  return { ...child, preClipNorm: child.preClipNorm ?? measured.preClipNorm ?? Number.NaN };
}

/**
 * Applies `strategies` in sequence (e.g. `chain(zClip(), clipByGlobalNorm({ maxNorm: 5 }))`).
 * Each child after the first sees the norms of the gradients the previous one produced (one
 * extra `measureNorms` per extra child). Readback: every child key as `<i>.<key>`, each later
 * child's pre-norm as `<i>.preClipNorm`, `coef` = the product of the children's `coef`s
 * (1 when none reports one) and `threshold` = the smallest child `threshold` (when any). State: the tuple of child states; a length mismatch is an internal
 * error ("call init first").
 * @throws GclipError `invalid_clip_option` for an empty chain.
 */
export function chain(...strategies: ClipStrategy[]): ClipStrategy<ChainState> {
  if (strategies.length === 0) invalidOption('strategies', 'a non-empty list', [], 'Chain at least one strategy.');
  const check = (state: ChainState): void => {
    if (!Array.isArray(state) || state.length !== strategies.length) {
      throw internalError('chain_state', `chain state has ${Array.isArray(state) ? state.length : 'no'} entries for ${strategies.length} strategies: call init first`);
    }
  };
  return {
    kind: 'chain',
    options: { strategies: strategies.map((s) => ({ kind: s.kind, ...s.options })) },
    // A step counts as clipped when any stage clipped it, so one stage by design makes the chain so.
    ...(strategies.some((s) => s.clipRateByDesign === true) && { clipRateByDesign: true }),
    init: (vars) => strategies.map((s) => s.init(vars)),
    apply: (grads, state, ctx) =>
      tf.tidy(() => {
        check(state);
        const readback: Record<string, Scalar> = {};
        let coef: Scalar = tf.scalar(1);
        const thresholds: Scalar[] = [];
        let current: readonly Tensor[] = grads;
        strategies.forEach((s, i) => {
          const stageCtx = i === 0 ? ctx : stageContext(current, ctx);
          if (i > 0) readback[`${i}.preClipNorm`] = stageCtx.totalNorm;
          const out = s.apply(current, state[i], stageCtx);
          for (const [k, v] of Object.entries(out.readback)) readback[`${i}.${k}`] = v;
          if (out.readback.coef) coef = tf.mul(coef, out.readback.coef) as Scalar;
          if (out.readback.threshold) thresholds.push(out.readback.threshold);
          current = out.grads;
        });
        if (thresholds.length > 0) readback.threshold = thresholds.reduce((a, b) => tf.minimum(a, b));
        return { grads: [...current], readback: { ...readback, coef } };
      }),
    next: (state, measured) => {
      check(state);
      return strategies.map((s, i) => s.next(state[i], childMeasured(measured, i)));
    },
  };
}
