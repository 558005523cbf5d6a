/**
 * Which strategies multiply every gradient by one coefficient. For those the post-clip
 * norms need no second pass over the gradients: ‖c·g‖_p = |c|·‖g‖_p for every norm order,
 * so the loop derives them from the pre-clip norms and the `coef` they read back.
 */
import type { ClipStrategy } from './types.js';

/** Built-in kinds whose `apply` is `scaleGrads(grads, coef)` with `coef` in their readback. */
const UNIFORM_KINDS: ReadonlySet<string> = new Set(['norm', 'autoclip', 'zclip']);

/** A strategy that declares, for the loop, that it scales all gradients by `readback.coef`. */
export interface UniformScaleDeclaration {
  readonly scalesUniformly?: boolean;
}

/**
 * True when `strategy` multiplies every gradient by the scalar it reads back as `coef`
 * (the built-in `norm`, `autoclip` and `zclip`, or any strategy declaring
 * `scalesUniformly: true`). A plugin can opt out with `scalesUniformly: false`.
 */
export function scalesUniformly(strategy: ClipStrategy & UniformScaleDeclaration): boolean {
  return strategy.scalesUniformly ?? UNIFORM_KINDS.has(strategy.kind);
}
