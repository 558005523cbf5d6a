/**
 * One training step's tensor work, inside a single `tf.tidy`: forward, backward, norms,
 * clip, finiteness, all packed into one float32 vector so that the loop reads the step
 * back with exactly one `data()` call. No host sync happens here.
 *
 * The telemetry is kept to a handful of kernel dispatches (issue #9): every pre-clip norm
 * and the weights checksum come from one fused kernel (`stepNorms`), post-clip norms of
 * uniformly scaling strategies are the pre-clip norms times `coef`, multiplied by the pack,
 * which is one kernel on wasm/cpu. A strategy with a fused step (the global-norm clip) does
 * norms, clip and pack in a single kernel there (`ClipStrategy.fusedStep`). The layout of
 * the vector is one `PackLayout` for both paths.
 */
import { releaseGradientTape, tf, type Tensor, type Variable } from '../runtime/tf.js';
import type { ClipOutput, ClipStrategy } from '../clip/types.js';
import type { NormType } from '../config/schema.js';
import { stepNorms, type StepNorms } from '../clip/step-norms.js';
import { PackLayout } from '../runtime/pack-layout.js';
import { packParts, type PackPart } from '../runtime/kernels/pack.js';
import type { DeferredStep } from '../runtime/kernels/norm-clip-pack.js';
import type { RunPlan } from './plan.js';
import type { Fault } from '../config/inject-schema.js';
import { applyFaults } from './inject.js';

/** What one step needs besides the plan and the strategy. */
export interface StepOptions {
  readonly step: number;
  /** The batch to train on (default `step`; a rollback makes the loop skip batches). */
  readonly dataStep?: number;
  readonly normType: NormType;
  /** Also compute the validation loss (same readback). */
  readonly evaluate: boolean;
  /** Append the flattened pre-clip gradients per layer (same readback). */
  readonly histograms?: boolean;
  /** Faults to inject at this step (`--inject`; see `inject.ts`), applied before anything is measured. */
  readonly faults?: readonly Fault[];
  /** The update runs on the host after the readback (`update-proposal.ts`): a fused step may leave its clip to it (`StepTensors.host`). */
  readonly defer?: boolean;
}

/** The tensors a step hands back to the loop, which owns and disposes them. */
export interface StepTensors {
  /** The one vector the loop reads back, laid out as `layout` says. */
  readonly packed: tf.Tensor1D;
  /** Clipped gradients, in `plan.vars` order. */
  readonly grads: Tensor[];
  readonly layout: PackLayout;
  /** Set when the fused step was deferred: `packed` holds the loss and `grads` before the clip, and the host update finishes the step. */
  readonly host?: DeferredStep;
}

function validationLoss(plan: RunPlan): Tensor | null {
  if (!plan.val) return null;
  const preds = plan.model.apply(plan.val.xs, { training: false }) as Tensor;
  return plan.loss(plan.val.ys, preds);
}

/**
 * `[post, postLayer×L]`. A strategy that scales uniformly by `coef ≥ 0` (1 without one):
 * `pre × coef` (‖c·g‖ = c·‖g‖; differs from re-measuring only in float32 rounding, and for
 * an infinite pre-clip norm whose coef is 0: NaN here, 0 re-measured). Anything else: the
 * norms of the clipped gradients, measured again. The product is left to the pack, which
 * multiplies as it copies (one dispatch fewer than a `mul`).
 */
function postClipSummary(strategy: ClipStrategy, clipped: ClipOutput, pre: StepNorms, plan: StepShape, normType: NormType): PackPart {
  if (strategy.scalesUniformly === true) {
    const coef = clipped.readback.coef;
    return coef ? { tensor: pre.summary, by: coef } : pre.summary;
  }
  const post = stepNorms(clipped.grads, [], plan.groups, normType);
  tf.dispose([post.tensorNorms, post.totalNorm, post.weightsSum]);
  return post.summary;
}

/**
 * Runs forward and backward on the batch of `step`, measures and clips the gradients
 * with `strategy`, and packs every scalar the loop needs. Pure tensor work; the caller
 * disposes `packed` and `grads`.
 */
export function computeStep<S>(
  plan: RunPlan,
  strategy: ClipStrategy<S>,
  state: S,
  opts: StepOptions,
): StepTensors {
  try {
    return stepInTidy(plan, strategy, state, opts);
  } catch (e) {
    releaseGradientTape();
    throw e;
  }
}

function stepInTidy<S>(
  plan: RunPlan,
  strategy: ClipStrategy<S>,
  state: S,
  opts: StepOptions,
): StepTensors {
  // Set inside the tidy, whose result may only hold tensor containers.
  let layout: PackLayout | undefined;
  let host: DeferredStep | undefined;
  const out = tf.tidy(() => {
    const { xs, ys } = plan.batch(opts.dataStep ?? opts.step);
    const { value, grads: named } = tf.variableGrads(
      () => plan.loss(ys, plan.model.apply(xs, { training: true }) as Tensor),
      plan.vars as Variable[],
    );
    const taken = { loss: value as Tensor, grads: plan.vars.map((v) => named[v.name]!) };
    const poisoned = opts.faults ? applyFaults(opts.faults, taken, plan.groups, plan.layerNames) : taken;
    const step = clipAndPack(plan, strategy, state, opts, poisoned, () => validationLoss(plan));
    ({ layout, host } = step);
    return { packed: step.packed, grads: step.grads };
  });
  return { packed: out.packed, grads: out.grads, layout: layout!, host };
}

/**
 * What the clip and the pack need to know of the model: its variables and their layers, and
 * the optimizer where a strategy reads its slots (update-clip); `monitor()` has none to give.
 */
export type StepShape = Pick<RunPlan, 'vars' | 'varNames' | 'groups'> & Partial<Pick<RunPlan, 'optimizer'>>;

/**
 * Measures, clips and packs one step's loss and gradients (`grads` in `shape.vars` order):
 * the strategy's fused kernel where it can run (never with a validation loss or histograms,
 * which it does not pack), else the general path. `val` makes the validation loss on
 * evaluation steps. Call inside a `tf.tidy`; used by the CLI's loop and by `monitor()`.
 */
export function clipAndPack<S>(shape: StepShape, strategy: ClipStrategy<S>, state: S, opts: StepOptions, t: { loss: Tensor; grads: Tensor[] }, val: () => Tensor | null): StepTensors {
  const plain = !opts.evaluate && !opts.histograms;
  const fused = plain ? strategy.fusedStep?.({ loss: t.loss, grads: t.grads, weights: shape.vars, groups: shape.groups, normType: opts.normType, defer: opts.defer }) : null;
  return fused ?? generalStep(shape, strategy, state, opts, t, val);
}

/** Norms → `strategy.apply` → pack, the path for every strategy and step. */
function generalStep<S>(plan: StepShape, strategy: ClipStrategy<S>, state: S, opts: StepOptions, t: { loss: Tensor; grads: Tensor[] }, validation: () => Tensor | null): StepTensors {
  const grads = t.grads;
  // The weights have not been updated yet: their checksum is this step's starting point.
  const pre = stepNorms(grads, plan.vars, plan.groups, opts.normType);
  const ctx = { step: opts.step, normType: opts.normType, vars: plan.vars, names: plan.varNames, tensorNorms: pre.tensorNorms, totalNorm: pre.totalNorm, optimizer: plan.optimizer };
  const clipped = strategy.apply(grads, state, ctx);
  const post = postClipSummary(strategy as ClipStrategy, clipped, pre, plan, opts.normType);
  const val = opts.evaluate ? validation() : null;
  // Histogram steps ride on the same readback: each layer's gradients are appended
  // (flattened by the pack), so a step still costs exactly one data() call.
  const histogramSizes = opts.histograms ? plan.groups.map((g) => g.reduce((n, i) => n + grads[i]!.size, 0)) : [];
  const histograms = opts.histograms ? plan.groups.flatMap((g) => g.map((i) => grads[i]!)) : [];
  const layout = PackLayout.of(plan.groups.length, Object.keys(clipped.readback).sort(), val !== null, histogramSizes);
  const parts = layout.parts({ loss: t.loss, pre: pre.summary, post, weightsSum: pre.weightsSum, val, readback: clipped.readback, histograms });
  return { packed: packParts(parts), grads: clipped.grads, layout };
}
