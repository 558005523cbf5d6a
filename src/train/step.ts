/**
 * One training step's tensor work, inside a single `tf.tidy`: forward, backward, norms,
 * clip, finiteness, all packed into one float32 vector so that the loop reads the step
 * back with exactly one `data()` call. No host sync happens here.
 */
import { tf, type Scalar, type Tensor, type Variable } from '../runtime/tf.js';
import type { ClipStrategy } from '../clip/types.js';
import type { NormType } from '../config/schema.js';
import { layerNorms, measureNorms } from '../clip/norms.js';
import type { RunPlan } from './plan.js';

/** Where each quantity sits in the packed readback vector. */
export interface PackLayout {
  readonly layers: number;
  /** Strategy readback keys, in the order packed. */
  readonly readbackKeys: readonly string[];
  readonly hasVal: boolean;
  /** Values per layer of the flattened pre-clip gradients appended at the end (histogram steps), else []. */
  readonly histogramSizes: readonly number[];
}

/** The tensors a step hands back to the loop, which owns and disposes them. */
export interface StepTensors {
  /** [loss, pre, preLayer×L, post, postLayer×L, weightsSum, val?, readback×R]. */
  readonly packed: tf.Tensor1D;
  /** Clipped gradients, in `plan.vars` order. */
  readonly grads: Tensor[];
  readonly layout: PackLayout;
}

function scalarVec(x: Scalar | Tensor): Tensor {
  return x.reshape([1]);
}

/** The sum of every weight: finite iff all weights are (|sum| < 3.4e38 in practice). */
function weightsSum(plan: RunPlan): Tensor {
  return tf.addN(plan.vars.map((v) => tf.sum(v)));
}

function validationLoss(plan: RunPlan): Tensor | null {
  if (!plan.val) return null;
  const preds = plan.model.apply(plan.val.xs, { training: false }) as Tensor;
  return scalarVec(plan.loss(plan.val.ys, preds));
}

function postClipNorms(grads: readonly Tensor[], normType: NormType, plan: RunPlan): { total: Tensor; layers: Tensor } {
  const { tensorNorms, totalNorm } = measureNorms(grads, normType);
  return { total: scalarVec(totalNorm), layers: layerNorms(tensorNorms, plan.groups, normType) };
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
  opts: { step: number; normType: NormType; evaluate: boolean; histograms?: boolean },
): StepTensors {
  return tf.tidy(() => {
    const weights = weightsSum(plan);
    const { xs, ys } = plan.batch(opts.step);
    const { value, grads: named } = tf.variableGrads(
      () => plan.loss(ys, plan.model.apply(xs, { training: true }) as Tensor),
      plan.vars as Variable[],
    );
    const grads = plan.vars.map((v) => named[v.name]!);
    const { tensorNorms, totalNorm } = measureNorms(grads, opts.normType);
    const preLayers = layerNorms(tensorNorms, plan.groups, opts.normType);
    const ctx = { step: opts.step, normType: opts.normType, vars: plan.vars, names: plan.varNames, tensorNorms, totalNorm };
    const clipped = strategy.apply(grads, state, ctx);
    const post =
      strategy.kind === 'none'
        ? { total: scalarVec(totalNorm), layers: preLayers }
        : postClipNorms(clipped.grads, opts.normType, plan);
    const readbackKeys = Object.keys(clipped.readback).sort();
    const val = opts.evaluate ? validationLoss(plan) : null;
    const parts = [scalarVec(value), scalarVec(totalNorm), preLayers, post.total, post.layers, scalarVec(weights)];
    if (val) parts.push(val);
    for (const key of readbackKeys) parts.push(scalarVec(clipped.readback[key]!));
    // Histogram steps ride on the same readback: the flattened gradients of each layer
    // are appended, so a step still costs exactly one data() call.
    const histograms = opts.histograms ? plan.groups.map((g) => tf.concat(g.map((i) => grads[i]!.reshape([-1])))) : [];
    parts.push(...histograms);
    const packed = tf.concat(parts) as tf.Tensor1D;
    return {
      packed,
      grads: clipped.grads,
      layout: { layers: plan.groups.length, readbackKeys, hasVal: val !== null, histogramSizes: histograms.map((h) => h.size) },
    };
  });
}

/** The numbers of one step, decoded from the packed readback. */
export interface StepNumbers {
  readonly loss: number;
  readonly preClipNorm: number;
  readonly preLayers: Float32Array;
  readonly postClipNorm: number;
  readonly postLayers: Float32Array;
  readonly weightsFinite: boolean;
  readonly valLoss: number | null;
  readonly readback: Readonly<Record<string, number>>;
  /** Pre-clip gradient values per layer index, on histogram steps only. */
  readonly histograms: readonly Float32Array[];
}

/** Splits the packed vector according to `layout`. */
export function unpack(values: Float32Array, layout: PackLayout): StepNumbers {
  const L = layout.layers;
  let i = 2 + L;
  const postClipNorm = values[i]!;
  const postLayers = values.slice(i + 1, i + 1 + L);
  i += 1 + L;
  const weightsFinite = Number.isFinite(values[i]!);
  i += 1;
  const valLoss = layout.hasVal ? values[i++]! : null;
  const readback: Record<string, number> = {};
  for (const key of layout.readbackKeys) readback[key] = values[i++]!;
  const histograms = layout.histogramSizes.map((n) => values.subarray(i, (i += n)));
  return {
    loss: values[0]!,
    preClipNorm: values[1]!,
    preLayers: values.slice(2, 2 + L),
    postClipNorm,
    postLayers,
    weightsFinite,
    valLoss,
    readback,
    histograms,
  };
}
