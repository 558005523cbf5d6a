/**
 * The helper for strategies without state (optax `stateless` / `init_empty_state`).
 */
import type { ClipContext, ClipOutput, ClipStrategy } from './types.js';
import type { Tensor } from '../runtime/tf.js';

/** The state of a stateless strategy: an empty plain object. */
export type EmptyState = Record<string, never>;

/** The declarations a strategy makes for the loop (see `ClipStrategy`), fused step aside. */
export type StrategyTraits = Pick<ClipStrategy, 'fixedThreshold' | 'scalesUniformly' | 'clipRateByDesign'>;

/**
 * Builds a `ClipStrategy` whose state is `{}`: `init` returns `{}`, `next` returns the state
 * unchanged, and `apply` is the given pure tensor function. `traits` are its declarations.
 */
export function stateless(
  kind: string,
  options: Readonly<Record<string, unknown>>,
  apply: (grads: readonly Tensor[], ctx: ClipContext) => ClipOutput,
  traits: StrategyTraits = {},
): ClipStrategy<EmptyState> {
  return {
    kind,
    options,
    ...traits,
    init: () => ({}),
    apply: (grads, _state, ctx) => apply(grads, ctx),
    next: (state) => state,
  };
}
