/**
 * Limits of a model gclip loads (docs/limits.md), checked before any layer or weight is
 * allocated, so a damaged or hostile model.json is refused instead of filling memory.
 */

/** Most float32 values in all weights of a model together: 2^27 (512 MiB). */
export const MAX_MODEL_ELEMENTS = 2 ** 27;

/** The model limits in one object, for messages and docs. */
export const MODEL_LIMITS = {
  /** Values in all weights together (also the cap of any one weight). */
  elements: MAX_MODEL_ELEMENTS,
  /** Layers in the model, nested models included. */
  layers: 10_000,
} as const;
