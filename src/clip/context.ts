/**
 * Building a `ClipContext` outside the training loop (users' own loops, `createClipper`,
 * tests): measures the per-tensor and total norms once, as the loop does.
 */
import type { Tensor } from '../runtime/tf.js';
import type { NormType } from '../config/schema.js';
import type { ClipContext } from './types.js';
import { measureNorms, normOrderValue, type NormOrder } from './norms.js';
import { DEFAULT_NORM_TYPE } from './options.js';

/** Options of `createClipContext`. */
export interface ClipContextOptions {
  /** Norm order of `tensorNorms`/`totalNorm`; default 2. */
  readonly normType?: NormOrder;
  /** 0-based step; default 0. */
  readonly step?: number;
  /** Variables in gradient order (AGC needs them); default none. */
  readonly vars?: readonly Tensor[];
  /** Variable names in gradient order; default `g0`, `g1`, … */
  readonly names?: readonly string[];
}

/**
 * Returns a context for `grads` with freshly measured norms (`measureNorms`).
 * The caller owns `ctx.tensorNorms` and `ctx.totalNorm` (dispose them, or build the context
 * inside `tf.tidy`). `normType` Infinity is stored as `'inf'`.
 */
export function createClipContext(grads: readonly Tensor[], options: ClipContextOptions = {}): ClipContext {
  const order = options.normType ?? DEFAULT_NORM_TYPE;
  const { tensorNorms, totalNorm } = measureNorms(grads, order);
  const normType: NormType = normOrderValue(order) === Infinity ? 'inf' : (order as number);
  return {
    step: options.step ?? 0,
    normType,
    vars: options.vars ?? [],
    names: options.names ?? grads.map((_, i) => `g${i}`),
    tensorNorms,
    totalNorm,
  };
}
