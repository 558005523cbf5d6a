/**
 * One training step's tensor work, inside a single `tf.tidy`: forward, backward, norms,
 * clip, finiteness, all packed into one float32 vector so that the loop reads the step
 * back with exactly one `data()` call. No host sync happens here.
 *
 * The telemetry is kept to a handful of kernel dispatches (issue #9): every pre-clip norm
 * and the weights checksum come from one fused kernel (`stepNorms`), post-clip norms of
 * uniformly scaling strategies are the pre-clip norms times `coef`, multiplied by the pack,
 * which is one kernel on wasm/cpu. Under the built-in global-norm clip, norms, clip and
 * pack are a single kernel there (`fused-step.ts`).
 */
import { releaseGradientTape, tf, type Scalar, type Tensor, type Variable } from '../runtime/tf.js';
import type { ClipOutput, ClipStrategy } from '../clip/types.js';
import type { NormType } from '../config/schema.js';
import { stepNorms, type StepNorms } from '../clip/fused-norms.js';
import { scalesUniformly } from '../clip/uniform-scale.js';
import type { RunPlan } from './plan.js';
import { packParts, type PackPart } from './pack.js';
import { fusedNormStep } from './fused-step.js';

/** Where each quantity sits in the packed readback vector. */
export interface PackLayout {
  readonly layers: number;
  /** Strategy readback keys, in the order packed. */
  readonly readbackKeys: readonly string[];
  readonly hasVal: boolean;
  /** Values per layer of the flattened pre-clip gradients appended at the end (histogram steps), else []. */
  readonly histogramSizes: readonly number[];
}

/** What one step needs besides the plan and the strategy. */
export interface StepOptions {
  readonly step: number;
  readonly normType: NormType;
  /** Also compute the validation loss (same readback). */
  readonly evaluate: boolean;
  /** Append the flattened pre-clip gradients per layer (same readback). */
  readonly histograms?: boolean;
}

/** The tensors a step hands back to the loop, which owns and disposes them. */
export interface StepTensors {
  /** [loss, pre, preLayer×L, post, postLayer×L, weightsSum, val?, readback×R, histograms…]. */
  readonly packed: tf.Tensor1D;
  /** Clipped gradients, in `plan.vars` order. */
  readonly grads: Tensor[];
  readonly layout: PackLayout;
}

/** Layouts of fused steps (readback keys, sorted: coef, threshold), one per layer count, shared read-only. */
// Mutable array types only so that tf.tidy accepts the result as a TensorContainer.
type FusedLayout = { layers: number; readbackKeys: string[]; hasVal: boolean; histogramSizes: number[] };
const fusedLayouts = new Map<number, FusedLayout>();
function fusedLayout(layers: number): FusedLayout {
  let layout = fusedLayouts.get(layers);
  if (layout === undefined) {
    layout = { layers, readbackKeys: ['coef', 'threshold'], hasVal: false, histogramSizes: [] };
    fusedLayouts.set(layers, layout);
  }
  return layout;
}

function validationLoss(plan: RunPlan): Tensor | null {
  if (!plan.val) return null;
  const preds = plan.model.apply(plan.val.xs, { training: false }) as Tensor;
  return plan.loss(plan.val.ys, preds);
}

/**
 * `[post, postLayer×L]`. No clipping: the pre-clip summary itself. A uniform scale by
 * `coef ≥ 0`: `pre × coef` (‖c·g‖ = c·‖g‖; differs from re-measuring only in float32
 * rounding, and for an infinite pre-clip norm whose coef is 0: NaN here, 0 re-measured).
 * Anything else: the norms of the clipped gradients, measured again. The product is left to
 * the pack, which multiplies as it copies (one dispatch fewer than a `mul`).
 */
function postClipSummary(strategy: ClipStrategy, clipped: ClipOutput, pre: StepNorms, plan: RunPlan, normType: NormType): PackPart {
  if (strategy.kind === 'none') return pre.summary;
  const coef = clipped.readback.coef;
  if (coef && scalesUniformly(strategy)) return { tensor: pre.summary, by: coef };
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
  return tf.tidy(() => {
    const { xs, ys } = plan.batch(opts.step);
    const { value, grads: named } = tf.variableGrads(
      () => plan.loss(ys, plan.model.apply(xs, { training: true }) as Tensor),
      plan.vars as Variable[],
    );
    const grads = plan.vars.map((v) => named[v.name]!);
    // The built-in global-norm clip: norms, clip and pack in one kernel where possible
    // (its readback keys, sorted: coef, threshold).
    const fused = opts.evaluate || opts.histograms ? null : fusedNormStep(strategy as ClipStrategy, value, grads, plan.vars, plan.groups, opts.normType);
    if (fused) return { packed: fused.packed, grads: fused.grads, layout: fusedLayout(plan.groups.length) };
    // The weights have not been updated yet: their checksum is this step's starting point.
    const pre = stepNorms(grads, plan.vars, plan.groups, opts.normType);
    const { tensorNorms, totalNorm } = pre;
    const ctx = { step: opts.step, normType: opts.normType, vars: plan.vars, names: plan.varNames, tensorNorms, totalNorm, optimizer: plan.optimizer };
    const clipped = strategy.apply(grads, state, ctx);
    const post = postClipSummary(strategy as ClipStrategy, clipped, pre, plan, opts.normType);
    const readbackKeys = Object.keys(clipped.readback).sort();
    const val = opts.evaluate ? validationLoss(plan) : null;
    const parts: PackPart[] = [value, pre.summary, post, pre.weightsSum];
    if (val) parts.push(val);
    for (const key of readbackKeys) parts.push(clipped.readback[key] as Scalar);
    // Histogram steps ride on the same readback: each layer's gradients are appended
    // (flattened by the pack), so a step still costs exactly one data() call.
    const histogramSizes = opts.histograms ? plan.groups.map((g) => g.reduce((n, i) => n + grads[i]!.size, 0)) : [];
    if (opts.histograms) for (const g of plan.groups) parts.push(...g.map((i) => grads[i]!));
    return {
      packed: packParts(parts),
      grads: clipped.grads,
      layout: { layers: plan.groups.length, readbackKeys, hasVal: val !== null, histogramSizes },
    };
  });
}

/**
 * The numbers of one step, decoded from the packed readback. Built once per step without
 * copying: per-layer norms are read from `values` at `preLayersAt` / `postLayersAt`
 * (L each); `preLayers` and `postLayers` are copies made on demand.
 */
export class StepNumbers {
  readonly loss: number;
  readonly preClipNorm: number;
  /** Index in `values` of the first of the L pre-clip layer norms. */
  readonly preLayersAt: number;
  readonly postClipNorm: number;
  /** Index in `values` of the first of the L post-clip layer norms. */
  readonly postLayersAt: number;
  readonly weightsFinite: boolean;
  readonly valLoss: number | null;
  /**
   * What `strategy.next` receives: `preClipNorm`, then every strategy readback key in packed
   * order (the same keys, order and values as `{ preClipNorm, ...readback }`).
   */
  readonly measured: Readonly<Record<string, number>>;
  /** Pre-clip gradient values per layer index, on histogram steps only. */
  readonly histograms: readonly Float32Array[];

  /** Splits the packed vector `values` according to `layout`. */
  constructor(
    /** The packed readback itself. */
    readonly values: Float32Array,
    readonly layout: PackLayout,
  ) {
    const L = layout.layers;
    this.loss = values[0]!;
    this.preClipNorm = values[1]!;
    this.preLayersAt = 2;
    let i = 2 + L;
    this.postClipNorm = values[i]!;
    this.postLayersAt = i + 1;
    i += 1 + L;
    this.weightsFinite = Number.isFinite(values[i]!);
    i += 1;
    this.valLoss = layout.hasVal ? values[i++]! : null;
    const measured: Record<string, number> = { preClipNorm: this.preClipNorm };
    const keys = layout.readbackKeys;
    for (let k = 0; k < keys.length; k++) measured[keys[k]!] = values[i++]!;
    this.measured = measured;
    const sizes = layout.histogramSizes;
    let histograms = NO_HISTOGRAMS;
    if (sizes.length > 0) {
      const h: Float32Array[] = [];
      for (let k = 0; k < sizes.length; k++) h.push(values.subarray(i, (i += sizes[k]!)));
      histograms = h;
    }
    this.histograms = histograms;
  }

  /** Per-layer pre-clip norms (a copy). */
  get preLayers(): Float32Array {
    return this.values.slice(this.preLayersAt, this.preLayersAt + this.layout.layers);
  }

  /** Per-layer post-clip norms (a copy). */
  get postLayers(): Float32Array {
    return this.values.slice(this.postLayersAt, this.postLayersAt + this.layout.layers);
  }
}

const NO_HISTOGRAMS: readonly Float32Array[] = [];

/** Splits the packed vector according to `layout`. */
export function unpack(values: Float32Array, layout: PackLayout): StepNumbers {
  return new StepNumbers(values, layout);
}
