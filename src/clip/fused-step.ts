/**
 * How a built-in strategy declares its fused step (`ClipStrategy.fusedStep`).
 */
import type { ClipStrategy, FusedStep } from './types.js';

/**
 * Sets `step` as the `fusedStep` of `strategy` (which it returns) as a non-enumerable
 * property: a copy `{ ...strategy }`, whose `apply` may be the user's own, does not inherit
 * it, so the fast path only ever stands in for the `apply` it was written for.
 */
export function withFusedStep<S>(strategy: ClipStrategy<S>, step: FusedStep): ClipStrategy<S> {
  return Object.defineProperty(strategy, 'fusedStep', { value: step, enumerable: false });
}
