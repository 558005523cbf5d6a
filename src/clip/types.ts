/**
 * The clip-strategy interface: optax's (init, update) pair split in two so that a step
 * costs one host readback (see style.md §3).
 */
import type { Optimizer, Scalar, Tensor, tf } from '../runtime/tf.js';
import type { NormType } from '../config/schema.js';
import type { FusedStepOutput, StepGradients } from '../runtime/kernels/norm-clip-pack.js';

export type { FusedStepOutput } from '../runtime/kernels/norm-clip-pack.js';

/** What the loop hands a strategy at each step. All tensors belong to the caller. */
export interface ClipContext {
  /** 0-based step index. */
  readonly step: number;
  /** The run's norm order; `tensorNorms` and `totalNorm` are in this order. */
  readonly normType: NormType;
  /** Trainable variables, same order as the gradients (AGC needs them). */
  readonly vars: readonly Tensor[];
  /** Variable names, same order as the gradients (`dense_1/kernel`). */
  readonly names: readonly string[];
  /** Per-tensor pre-clip norms in `normType`, shape [k], computed once by the caller. */
  readonly tensorNorms: tf.Tensor1D;
  /** Total pre-clip norm in `normType` (the norm of `tensorNorms`). */
  readonly totalNorm: Scalar;
  /** The run's optimizer, read-only (update clipping reads Adam's moments); absent outside a training loop. */
  readonly optimizer?: Optimizer;
}

/** What `apply` returns: new gradient tensors and the scalars to read back. */
export interface ClipOutput {
  /** Clipped gradients, same order and shapes as the input. May alias inputs when unchanged. */
  readonly grads: Tensor[];
  /**
   * Named scalars read back with the step's single `data()` call. `coef` (scale applied;
   * 1 when untouched) is expected from global strategies; `threshold` from adaptive ones.
   */
  readonly readback: Readonly<Record<string, Scalar>>;
}

/** Numbers available to `next` after the readback: `preClipNorm` plus every readback key. */
export type Measured = Readonly<Record<string, number>>;

/** What the loop hands a fused step: the step's tensors and the run's norm order. */
export interface FusedStepInput extends StepGradients {
  /** The run's norm order, in which every logged norm is measured. */
  readonly normType: NormType;
}

/**
 * A strategy's fast path: the step's norms, its clip and the pack of the readback in one
 * kernel, giving bit for bit what the loop's general path (`stepNorms` → `apply` → pack)
 * gives. Returns null where it cannot run (the loop then takes the general path).
 */
export type FusedStep = (step: FusedStepInput) => FusedStepOutput | null;

/**
 * A gradient transformation with explicit plain-data state `S`.
 * - `init(vars)` → initial state (numbers, arrays; never tensors).
 * - `apply(grads, state, ctx)` → pure tensor math inside the caller's `tf.tidy`; reads `state`
 *   as constants, never reads tensors back, never disposes its inputs.
 * - `next(state, measured)` → the state for the next step, host arithmetic only.
 *
 * Four optional declarations tell the loop what it would otherwise look up by kind.
 */
export interface ClipStrategy<S = unknown> {
  /** Registry key (`none`, `norm`, `value`, ...). */
  readonly kind: string;
  /** Validated, serialisable options. */
  readonly options: Readonly<Record<string, unknown>>;
  /**
   * The threshold logged at every step when it never changes (`norm`: maxNorm, `value`:
   * clipValue), exactly as given; the readback would hold its float32 rounding. Absent: the
   * record's threshold is `readback.threshold`, or null.
   */
  readonly fixedThreshold?: number;
  /**
   * True when `apply` multiplies every gradient by one scalar ≥ 0: `readback.coef`, or 1
   * when it reads back no `coef` (`none`). The loop then logs the post-clip norms as the
   * pre-clip ones × coef (‖c·g‖_p = c·‖g‖_p for every p) instead of measuring them again.
   */
  readonly scalesUniformly?: boolean;
  /**
   * True when the threshold follows the gradients or weights themselves (AutoClip: a
   * percentile of past norms; AGC: each unit's ratio to its weights), so the share of
   * clipped steps is set by the options, not by the run's health. `gclip check` reports
   * such a run's clip rate without judging it.
   */
  readonly clipRateByDesign?: boolean;
  /**
   * The fused kernel that replaces norms → `apply` → pack on steps without a validation loss
   * or histograms. Built-ins set it as a non-enumerable property (`withFusedStep`), so a copy
   * `{ ...strategy, apply }` never inherits it and always runs its own `apply`.
   */
  readonly fusedStep?: FusedStep;
  init(vars: readonly Tensor[]): S;
  apply(grads: readonly Tensor[], state: S, ctx: ClipContext): ClipOutput;
  next(state: S, measured: Measured): S;
}
