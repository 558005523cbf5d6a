/**
 * The identity strategy (kind `none`): measuring without clipping.
 */
import type { ClipStrategy } from './types.js';
import { stateless, type EmptyState } from './stateless.js';

/**
 * Leaves the gradients untouched: returns the input tensors themselves (the caller must not
 * dispose them twice) and an empty readback. Stateless. Declares `scalesUniformly` (by 1:
 * no `coef`), so the loop logs the pre-clip norms as the post-clip ones.
 */
export function noClip(): ClipStrategy<EmptyState> {
  return stateless('none', {}, (grads) => ({ grads: [...grads], readback: {} }), { scalesUniformly: true });
}
