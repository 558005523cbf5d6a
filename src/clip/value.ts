/**
 * Element-wise value clipping (strategy kind `value`), PyTorch `clip_grad_value_` semantics.
 */
import { tf } from '../runtime/tf.js';
import type { Tensor } from '../runtime/tf.js';
import type { ClipStrategy } from './types.js';
import { schemaFields, schemaOption } from './options.js';
import { stateless, type EmptyState } from './stateless.js';

/**
 * Clamps every entry to `[−c, c]` as torch does: `maximum(g, −c)` first, then `minimum(…, c)`.
 *
 * Edge cases (match PyTorch): NaN stays NaN; ±inf → ±c; c = 0 gives ±0; a negative c makes
 * min > max and the max applied last wins, so every entry becomes −|c| (`tf.clipByValue`
 * would throw instead). Creates 2 ops per tensor.
 */
export function clampGrad(grad: Tensor, clipValue: number): Tensor {
  return tf.tidy(() => tf.minimum(tf.maximum(grad, -clipValue), clipValue));
}

/** Options of `clipByValue`. */
export interface ClipByValueOptions {
  /** Bound c of the clamp to [−c, c]; finite, > 0. */
  readonly clipValue: number;
}

/**
 * Clips each gradient entry to `[−clipValue, clipValue]` (PyTorch `clip_grad_value_`, Keras
 * `clipvalue`, optax `clip`). Direction is not preserved. Readback: `threshold` (= clipValue);
 * no `coef`, since there is no single scale. Declares `fixedThreshold` (clipValue).
 * @throws GclipError `invalid_clip_option` when clipValue is not finite and > 0.
 */
export function clipByValue(options: ClipByValueOptions): ClipStrategy<EmptyState> {
  const clipValue = schemaOption('clipValue', schemaFields('value').clipValue, options.clipValue, 'Use a positive bound such as 1.0.');
  return stateless(
    'value',
    { clipValue },
    (grads) => tf.tidy(() => ({ grads: grads.map((g) => clampGrad(g, clipValue)), readback: { threshold: tf.scalar(clipValue) } })),
    { fixedThreshold: clipValue },
  );
}
