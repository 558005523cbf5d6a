/**
 * The identity strategy (kind `none`): measuring without clipping.
 */
import type { ClipStrategy } from './types.js';
import { stateless, type EmptyState } from './stateless.js';

/**
 * Leaves the gradients untouched: returns the input tensors themselves (the caller must not
 * dispose them twice) and an empty readback. Stateless.
 */
export function noClip(): ClipStrategy<EmptyState> {
  return stateless('none', {}, (grads) => ({ grads: [...grads], readback: {} }));
}
